// `kontinue install`: checks the flags, that the cluster answers and that the user may write every object (so nothing
// is half-applied), builds and pushes the controller image, then applies the manifests by server-side apply (field
// manager `kontinue`) and waits for the CRDs to be Established and the controller Deployment to be available.
import {
  AppsV1Api,
  AuthorizationV1Api,
  VersionApi,
  type KubeConfig,
  type KubernetesObject,
  type V1Deployment,
} from "@kubernetes/client-node";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";
import { buildControllerImage, parsePushTarget } from "../builder/index.ts";
import { CONTROLLER_NAME, installManifests } from "../crds/index.ts";
import { KontinueError, systemClock, type Clock } from "../runtime/index.ts";
import { applyCrds, applyObjects } from "./apply-objects.ts";
import { connect } from "./connect.ts";
import type { InstallCommandOptions } from "./install-command.ts";

export interface InstallDependencies {
  /** Default the system clock (waits for the Deployment). */
  clock?: Clock;
  /** Where progress lines go (default stderr). */
  log?: (line: string) => void;
  /** Where --print writes (default stdout). */
  write?: (text: string) => void;
}

/** The API resource of each kind the install writes: what to ask an access review about. */
const RESOURCES: Record<string, { group: string; resource: string; namespaced: boolean }> = {
  CustomResourceDefinition: { group: "apiextensions.k8s.io", resource: "customresourcedefinitions", namespaced: false },
  Namespace: { group: "", resource: "namespaces", namespaced: false },
  ServiceAccount: { group: "", resource: "serviceaccounts", namespaced: true },
  ClusterRole: { group: "rbac.authorization.k8s.io", resource: "clusterroles", namespaced: false },
  ClusterRoleBinding: { group: "rbac.authorization.k8s.io", resource: "clusterrolebindings", namespaced: false },
  Role: { group: "rbac.authorization.k8s.io", resource: "roles", namespaced: true },
  RoleBinding: { group: "rbac.authorization.k8s.io", resource: "rolebindings", namespaced: true },
  Deployment: { group: "apps", resource: "deployments", namespaced: true },
};

export async function runInstall(
  options: InstallCommandOptions,
  dependencies: InstallDependencies = {},
): Promise<void> {
  const log = dependencies.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const write = dependencies.write ?? ((text: string) => void process.stdout.write(text));
  const clock = dependencies.clock ?? systemClock;
  const settings = checkFlags(options);
  const cluster = options.print === true ? undefined : await reachCluster(options);
  if (cluster !== undefined) {
    log(`installing into ${cluster.describe} (namespace "${settings.namespace}")`);
    await checkAccess(cluster.kubeConfig, installManifests({ namespace: settings.namespace, image: "unknown" }));
  }
  log(`building the controller image and pushing it to ${options.registry}`);
  const image = await buildControllerImage({
    entry: controllerEntry(),
    target: settings.target,
    ...(options.base === undefined ? {} : { base: options.base }),
    ...(settings.platforms === undefined ? {} : { platforms: settings.platforms }),
    insecureRegistry: options.insecureRegistry === true,
  });
  log(`pushed ${image.reference} (${image.stats.uploadedBytes} bytes sent)`);
  const manifests = installManifests({ namespace: settings.namespace, image: image.reference });
  if (cluster === undefined) {
    write(manifests.map((object) => stringify(object, { lineWidth: 0, aliasDuplicateObjects: false })).join("---\n"));
    return;
  }
  const crds = manifests.filter((object) => object.kind === "CustomResourceDefinition");
  const rest = manifests.filter((object) => object.kind !== "CustomResourceDefinition");
  await applyCrds(cluster.kubeConfig, { timeoutMs: settings.timeoutMs });
  log(`applied ${crds.length} CustomResourceDefinitions; they are Established`);
  await applyObjects(cluster.kubeConfig, rest);
  log(`applied ${rest.map((object) => `${object.kind} "${object.metadata?.name}"`).join(", ")}`);
  const deadline = clock.now() + settings.timeoutMs;
  await waitAvailable(cluster.kubeConfig, settings.namespace, deadline, clock);
  log(`the controller is running: kubectl -n ${settings.namespace} get deployment ${CONTROLLER_NAME}`);
}

function checkFlags(options: InstallCommandOptions) {
  if (options.registry === undefined)
    throw new KontinueError(
      "CLI_NO_REGISTRY",
      "cannot install: no registry for the controller image; pass --registry <host[:port]/prefix> naming a registry " +
        'the cluster can pull from (e.g. --registry ghcr.io/acme), after "docker login" to it',
      { terminal: true },
    );
  const target = parsePushTarget(options.registry);
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(options.namespace) || options.namespace.length > 63)
    throw new KontinueError(
      "CLI_BAD_NAMESPACE",
      `cannot install into namespace "${options.namespace}": not a DNS-1123 label; use lower-case letters, digits ` +
        "and '-'",
      { terminal: true },
    );
  const seconds = Number(options.timeout);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new KontinueError(
      "CLI_BAD_TIMEOUT",
      `cannot wait "${options.timeout}" seconds: --timeout takes a positive number of seconds`,
      { terminal: true },
    );
  const platforms = options.platform?.split(",").map((platform) => platform.trim());
  return { target, namespace: options.namespace, timeoutMs: seconds * 1000, platforms };
}

async function reachCluster(options: InstallCommandOptions): Promise<{ kubeConfig: KubeConfig; describe: string }> {
  const { kubeConfig } = connect({
    ...(options.kubeconfig === undefined ? {} : { kubeconfig: options.kubeconfig }),
    ...(options.context === undefined ? {} : { context: options.context }),
  });
  const server = kubeConfig.getCurrentCluster()?.server;
  try {
    await kubeConfig.makeApiClient(VersionApi).getCode();
  } catch (cause) {
    throw new KontinueError(
      "CLI_CLUSTER_UNREACHABLE",
      `cannot reach the cluster at ${server} (context "${kubeConfig.getCurrentContext()}"): ` +
        `${(cause as Error).message.split("\n")[0]}; check that it runs and that --kubeconfig/--context name it`,
      { cause, terminal: true },
    );
  }
  return { kubeConfig, describe: `the cluster at ${server} (context "${kubeConfig.getCurrentContext()}")` };
}

/** Asks the API whether the user may create and patch every object (server-side apply needs both). */
async function checkAccess(kubeConfig: KubeConfig, objects: readonly KubernetesObject[]): Promise<void> {
  const api = kubeConfig.makeApiClient(AuthorizationV1Api);
  const checks = objects.flatMap((object) => {
    const { group, resource, namespaced } = RESOURCES[object.kind!]!;
    const namespace = namespaced ? object.metadata?.namespace : undefined;
    return ["create", "patch"].map((verb) => ({ verb, group, resource, namespace, name: object.metadata?.name }));
  });
  const denied = [];
  for (const check of checks) {
    const review = await api.createSelfSubjectAccessReview({
      body: {
        apiVersion: "authorization.k8s.io/v1",
        kind: "SelfSubjectAccessReview",
        spec: { resourceAttributes: check },
      },
    });
    if (review.status?.allowed !== true) denied.push(check);
  }
  if (denied.length === 0) return;
  const first = denied[0]!;
  const where = first.namespace === undefined ? "cluster-wide" : `in the namespace "${first.namespace}"`;
  throw new KontinueError(
    "CLI_INSTALL_FORBIDDEN",
    `cannot install: you may not ${first.verb} ${first.resource}${first.group ? `.${first.group}` : ""} ${where}` +
      `${denied.length > 1 ? ` (nor ${denied.length - 1} more such writes)` : ""}; nothing was applied. Run ` +
      '"kontinue install" as a cluster administrator (it creates CRDs, a ClusterRole and its binding)',
    { terminal: true },
  );
}

function available(deployment: V1Deployment): boolean {
  const status = deployment.status;
  const replicas = deployment.spec?.replicas ?? 1;
  return (
    (status?.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 1) &&
    status?.updatedReplicas === replicas &&
    status.replicas === replicas &&
    status.availableReplicas === replicas
  );
}

async function waitAvailable(kubeConfig: KubeConfig, namespace: string, deadline: number, clock: Clock) {
  const api = kubeConfig.makeApiClient(AppsV1Api);
  for (;;) {
    const deployment = await api.readNamespacedDeployment({ name: CONTROLLER_NAME, namespace });
    if (available(deployment)) return;
    if (clock.now() > deadline) {
      const conditions = (deployment.status?.conditions ?? []).map((c) => `${c.type}=${c.status} ${c.message ?? ""}`);
      throw new KontinueError(
        "CLI_INSTALL_NOT_AVAILABLE",
        `the controller Deployment "${namespace}/${CONTROLLER_NAME}" is not available in time ` +
          `(${conditions.join("; ") || "no status yet"}); see "kubectl -n ${namespace} describe deployment ` +
          `${CONTROLLER_NAME}" and "kubectl -n ${namespace} logs deployment/${CONTROLLER_NAME}"`,
        { terminal: true },
      );
    }
    await clock.sleep(250);
  }
}

/** The controller image's entry: its source in a checkout, else the published package's prebuilt one. */
function controllerEntry(): string {
  const source = fileURLToPath(new URL("./install-controller-entry.ts", import.meta.url));
  return existsSync(source)
    ? source
    : fileURLToPath(new URL("../dist/cli/install-controller-entry.js", import.meta.url));
}
