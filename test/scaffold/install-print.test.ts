// `kontinue install --print` and the errors `kontinue install` gives before it changes anything: no registry, a
// cluster that does not answer, a user RBAC forbids to install.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as k8s from "@kubernetes/client-node";
import { parseAllDocuments, parse, stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runInstall } from "../../cli/install.ts";
import { WORKER_RULES } from "../../controller/index.ts";
import { CONTROLLER_NAME, CONTROLLER_RULES, LEADER_ELECTION_RULES, crdManifests } from "../../crds/index.ts";
import { isKontinueError } from "../../runtime/index.ts";
import { nodeBaseImage } from "../fixtures/node-base-image.ts";
import { registryFixture } from "../fixtures/services.ts";
import { removeTemporaryDirs, temporaryDir } from "../fixtures/temporary-dirs.ts";
import { runCli } from "./run-cli.ts";

afterAll(removeTemporaryDirs);

type Rule = k8s.V1PolicyRule;
/** Every (group, resource, verb) a set of rules grants. */
function grants(rules: readonly Rule[]): Set<string> {
  return new Set(
    rules.flatMap((rule) =>
      rule.apiGroups!.flatMap((group) =>
        rule.resources!.flatMap((resource) => rule.verbs.map((verb) => `${group}/${resource}:${verb}`)),
      ),
    ),
  );
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (isKontinueError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error("expected the install to fail");
}

describe("kontinue install --print", () => {
  let base: string;
  let registry: string;
  beforeAll(async () => {
    [{ registry }, { reference: base }] = await Promise.all([registryFixture(), nodeBaseImage()]);
  });

  it("prints the CRDs, namespace, ServiceAccount, least-privilege RBAC and the Deployment as YAML", async () => {
    const prefix = `scaffold-print-${Date.now().toString(36)}`;
    const result = await runCli([
      "install",
      "--print",
      "--registry",
      `${registry}/${prefix}`,
      "--base",
      base,
      "--insecure-registry",
      "--namespace",
      "kontinue-ops",
    ]);
    expect(result.stderr).toContain(`pushed ${registry}/${prefix}/controller@sha256:`);
    expect(result.code).toBe(0);
    const documents = parseAllDocuments(result.stdout);
    expect(documents.flatMap((d) => d.errors)).toEqual([]);
    const objects = documents.map((d) => d.toJS() as k8s.KubernetesObject & Record<string, unknown>);
    expect(objects.map((o) => o.kind)).toEqual([
      ...crdManifests.map(() => "CustomResourceDefinition"),
      "Namespace",
      "ServiceAccount",
      "ClusterRole",
      "ClusterRoleBinding",
      "Role",
      "RoleBinding",
      "Deployment",
    ]);
    const byKind = (kind: string) => objects.find((o) => o.kind === kind) as Record<string, never>;
    const clusterRole = byKind("ClusterRole") as unknown as k8s.V1ClusterRole;
    const role = byKind("Role") as unknown as k8s.V1Role;
    expect(role.metadata?.namespace).toBe("kontinue-ops");
    // No wildcards, and exactly the rules written down (with the reasons) in crds/controller-rbac.ts.
    for (const rule of [...clusterRole.rules!, ...role.rules!])
      expect([...rule.apiGroups!, ...rule.resources!, ...rule.verbs].filter((s) => s.includes("*"))).toEqual([]);
    expect(grants(clusterRole.rules!)).toEqual(grants(CONTROLLER_RULES));
    expect(grants(role.rules!)).toEqual(grants(LEADER_ELECTION_RULES));
    // Kubernetes lets the controller grant workers only what it holds itself.
    const held = grants(CONTROLLER_RULES);
    expect([...grants(WORKER_RULES)].filter((grant) => !held.has(grant))).toEqual([]);
    for (const kind of ["ClusterRoleBinding", "RoleBinding"]) {
      const binding = byKind(kind) as unknown as k8s.V1RoleBinding;
      expect(binding.subjects).toEqual([{ kind: "ServiceAccount", name: CONTROLLER_NAME, namespace: "kontinue-ops" }]);
    }
    const deployment = byKind("Deployment") as unknown as k8s.V1Deployment;
    const pod = deployment.spec!.template.spec!;
    expect(pod.serviceAccountName).toBe(CONTROLLER_NAME);
    expect(pod.containers[0]!.image).toMatch(new RegExp(`^${registry}/${prefix}/controller@sha256:[a-f0-9]{64}$`));
    expect(pod.containers[0]!.args).toEqual([
      "controller",
      "--all-namespaces",
      "--leader-elect",
      "--namespace",
      "kontinue-ops",
    ]);
  }, 180_000);
});

describe("kontinue install refuses before it changes anything", () => {
  it("without a registry, saying --registry", async () => {
    const result = await runCli(["install", "--print"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("no registry for the controller image; pass --registry <host[:port]/prefix>");
  });

  it("when the cluster does not answer, naming its address", async () => {
    const dir = await temporaryDir("install-unreachable");
    const kubeconfig = join(dir, "kubeconfig");
    writeFileSync(
      kubeconfig,
      stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: "gone", cluster: { server: "https://127.0.0.1:9", "insecure-skip-tls-verify": true } }],
        users: [{ name: "u", user: { token: "t" } }],
        contexts: [{ name: "gone", context: { cluster: "gone", user: "u" } }],
        "current-context": "gone",
      }),
    );
    const got = await failure(
      runInstall(
        { registry: "127.0.0.1:5000/x", namespace: "kontinue-system", kubeconfig, timeout: "10" },
        { log: () => undefined },
      ),
    );
    expect(got.code).toBe("CLI_CLUSTER_UNREACHABLE");
    expect(got.message).toContain('cannot reach the cluster at https://127.0.0.1:9 (context "gone")');
  });

  it("when --context names no context of the kubeconfig, listing those it has", async () => {
    const got = await failure(
      runInstall(
        {
          registry: "127.0.0.1:5000/x",
          namespace: "kontinue-system",
          kubeconfig: inject("kubeconfig"),
          context: "prod",
          timeout: "10",
        },
        { log: () => undefined },
      ),
    );
    expect(got.code).toBe("CLIENT_UNKNOWN_CONTEXT");
    expect(got.message).toMatch(/^the context "prod" is not in .*; it has "/);
  });

  it("when RBAC forbids the user to create CRDs, naming verb and resource, and applying nothing", async () => {
    const dir = await temporaryDir("install-forbidden");
    const admin = parse(readFileSync(inject("kubeconfig"), "utf8")) as { users: { user: Record<string, string> }[] };
    // The admin impersonates a ServiceAccount with no permissions, as `kubectl --as` does.
    admin.users[0]!.user.as = "system:serviceaccount:default:scaffold-nobody";
    const kubeconfig = join(dir, "kubeconfig");
    writeFileSync(kubeconfig, stringify(admin));
    const namespace = `scaffold-forbidden-${Date.now().toString(36)}`;
    const got = await failure(
      runInstall({ registry: "127.0.0.1:5000/x", namespace, kubeconfig, timeout: "10" }, { log: () => undefined }),
    );
    expect(got.code).toBe("CLI_INSTALL_FORBIDDEN");
    expect(got.message).toContain(
      "you may not create customresourcedefinitions.apiextensions.k8s.io cluster-wide (nor ",
    );
    expect(got.message).toContain("nothing was applied");
    const config = new k8s.KubeConfig();
    config.loadFromFile(inject("kubeconfig"));
    const namespaces = await config.makeApiClient(k8s.CoreV1Api).listNamespace();
    expect(namespaces.items.map((n) => n.metadata?.name)).not.toContain(namespace);
  });
});
