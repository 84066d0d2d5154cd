// `kontinue deploy` against devcluster, the controller and the loopback registry: cold, no change, one changed file,
// --dry-run, --prune --yes, and the plain-line progress a non-terminal gets from the real command.
import { execFile } from "node:child_process";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { BuildCache } from "../../builder/index.ts";
import { startController, type RunningController } from "../../controller/index.ts";
import { runDeploy, type DeployOptions, type DeployOutcome } from "../../cli/deploy.ts";
import { isKontinueError } from "../../runtime/index.ts";
import { nodeBaseImage } from "../fixtures/node-base-image.ts";
import { registryFixture } from "../fixtures/services.ts";
import { removeTemporaryDirs, temporaryDir } from "../fixtures/temporary-dirs.ts";
import { waitFor } from "../fixtures/wait-for.ts";
import { repository, testCluster, type TestCluster } from "../runtime/runtime-harness.ts";

const run = promisify(execFile);

function functionFile(result: string): string {
  return `import { defineFunction } from "kontinue";
export default defineFunction({ async run() { return ${JSON.stringify(result)}; } });
`;
}

let cluster: TestCluster;
let controller: RunningController;
let dir: string;
let cache: BuildCache;
let base: string;
let registry: string;

beforeAll(async () => {
  cluster = await testCluster("deploy");
  base = (await nodeBaseImage()).reference;
  registry = `${(await registryFixture()).registry}/deploy-test-${Date.now().toString(36)}`;
  cache = new BuildCache({ dir: await temporaryDir("deploy-cache") });
  dir = await temporaryDir("deploy-functions");
  await writeFile(join(dir, "greet.ts"), functionFile("hello"));
  await writeFile(join(dir, "farewell.ts"), functionFile("bye"));
  controller = await startController({
    kubeConfig: cluster.kubeConfig,
    namespace: cluster.namespace,
    leaderElection: "disabled",
    log: () => {},
  });
});

afterAll(async () => {
  await controller?.stop();
  await removeTemporaryDirs();
});

interface Deployed {
  outcome: DeployOutcome;
  stdout: string;
  stderr: string;
}

async function deploy(options: Partial<DeployOptions> = {}): Promise<Deployed> {
  let stdout = "";
  let stderr = "";
  const outcome = await runDeploy(
    dir,
    { registry, base, kubeconfig: cluster.kubeconfigPath, namespace: cluster.namespace, timeout: 60, ...options },
    {
      stdout: (text) => void (stdout += text),
      stderr: (text) => void (stderr += text),
      interactive: false,
      confirm: () => Promise.reject(new Error("a non-terminal deploy must not ask")),
      cache,
    },
  );
  return { outcome, stdout, stderr };
}

async function resourceVersions(): Promise<Map<string, string>> {
  const { items } = await cluster.resources.functions.list(cluster.namespace);
  return new Map(items.map((fn) => [fn.metadata.name ?? "", fn.metadata.resourceVersion ?? ""]));
}

describe("kontinue deploy", () => {
  it("cold: pushes, applies and waits until every Function is Ready, then prints the table", async () => {
    const { outcome, stdout } = await deploy();
    expect(Object.fromEntries(outcome.functions)).toEqual({ greet: "applied", farewell: "applied" });
    const { items } = await cluster.resources.functions.list(cluster.namespace);
    for (const fn of items) {
      expect(fn.spec.image).toMatch(new RegExp(`^${registry}/${fn.metadata.name}@sha256:[0-9a-f]{64}$`));
      expect(fn.metadata.labels?.["app.kubernetes.io/managed-by"]).toBe("kontinue");
      expect(fn.metadata.managedFields?.some((entry) => entry.manager === "kontinue")).toBe(true);
      const ready = fn.status?.conditions?.find((condition) => condition.type === "Ready");
      expect(ready?.status).toBe("True");
      expect(stdout).toContain(fn.status?.activeRevision);
    }
    expect(stdout).toMatch(/^FUNCTION\s+REVISION\s+PUSHED\s+TIME\s+STATUS$/m);
    expect(stdout).toMatch(/^greet\s+[0-9a-f]{16}\s+[\d.]+ KB\s+[\d.]+s\s+Ready$/m);
  });

  it("no change: nothing is pushed (not even HEADed: the Ready Functions run these images) or applied", async () => {
    const before = await resourceVersions();
    const { outcome, stderr } = await deploy();
    expect(Object.fromEntries(outcome.functions)).toEqual({ greet: "unchanged", farewell: "unchanged" });
    expect(stderr).not.toContain("pushed");
    expect(stderr).toContain("greet: unchanged");
    expect(stderr).toContain("farewell: unchanged");
    expect(await resourceVersions()).toEqual(before);
  });

  it("one changed file: only that Function is rebuilt, pushed and applied", async () => {
    const before = (await cluster.resources.functions.get(cluster.namespace, "greet"))!;
    await writeFile(join(dir, "greet.ts"), functionFile("hello again"));
    const { outcome, stderr } = await deploy();
    expect(Object.fromEntries(outcome.functions)).toEqual({ greet: "applied", farewell: "unchanged" });
    expect(stderr).toMatch(/greet: pushed \([\d.]+ (B|KB) sent\)/);
    expect(stderr).not.toContain("farewell: pushed");
    const after = (await cluster.resources.functions.get(cluster.namespace, "greet"))!;
    expect(after.spec.image).not.toBe(before.spec.image);
    expect(after.status?.activeRevision).toBe(after.spec.image.split("@sha256:")[1]!.slice(0, 16));
  });

  it("--dry-run prints the manifests and changes nothing", async () => {
    const before = await resourceVersions();
    await writeFile(join(dir, "greet.ts"), functionFile("not deployed"));
    const { stdout } = await deploy({ dryRun: true });
    const manifests = parseAllDocuments(stdout).map((document) => document.toJSON());
    expect(manifests.map((m) => [m.kind, m.metadata.name, m.metadata.namespace])).toEqual([
      ["Function", "farewell", cluster.namespace],
      ["Function", "greet", cluster.namespace],
    ]);
    expect(manifests[1].spec.image).toMatch(new RegExp(`^${registry}/greet@sha256:`));
    expect(await resourceVersions()).toEqual(before);
    await writeFile(join(dir, "greet.ts"), functionFile("hello again"));
  });

  it("--prune refuses without --yes off a terminal, and deletes with it", async () => {
    await rm(join(dir, "farewell.ts"));
    const refused = await deploy({ prune: true }).catch((error: unknown) => error);
    expect(isKontinueError(refused, "DEPLOY_PRUNE_UNCONFIRMED")).toBe(true);
    expect([...(await resourceVersions()).keys()].sort()).toEqual(["farewell", "greet"]);
    const { outcome, stdout } = await deploy({ prune: true, yes: true });
    expect(outcome.pruned).toEqual(["farewell"]);
    expect(stdout).toMatch(/^farewell\s.*pruned$/m);
    // The Function keeps the controller's drain finalizer until its executions (none here) are finished.
    await waitFor("the pruned Function to be gone", async () => !(await resourceVersions()).has("farewell"));
    expect([...(await resourceVersions()).keys()]).toEqual(["greet"]);
  });

  it("without a registry it says where to get one, before anything is built", async () => {
    const error = await deploy({ registry: undefined }).catch((caught: unknown) => caught);
    expect(isKontinueError(error, "DEPLOY_NO_REGISTRY")).toBe(true);
    expect((error as Error).message).toContain("--registry");
  });

  it("the command off a terminal prints plain progress lines, then the table", async () => {
    await writeFile(join(dir, "farewell.ts"), functionFile("bye for now"));
    const { stdout, stderr } = await run(
      process.execPath,
      [
        join(repository, "bin/kontinue.js"),
        "deploy",
        dir,
        "--registry",
        registry,
        "--base",
        base,
        "--kubeconfig",
        cluster.kubeconfigPath,
        "-n",
        cluster.namespace,
      ],
      { cwd: dir, env: { ...process.env, XDG_CACHE_HOME: join(cache.dir, "xdg") } },
    );
    expect(stderr).not.toContain("\x1b");
    const lines = stderr.trim().split("\n");
    expect(lines[0]).toContain(
      `to context "kontinue-dev" (${cluster.kubeconfigPath}), namespace "${cluster.namespace}"`,
    );
    for (const line of lines.slice(1)) expect(line).toMatch(/^(farewell|greet): [a-zA-Z ]+( \(.*\))?$/);
    expect(lines).toContain("farewell: applying");
    expect(lines).toContain("farewell: Ready");
    expect(lines).toContain("greet: unchanged");
    expect(stdout).toMatch(/^farewell\s+[0-9a-f]{16}\s.*Ready$/m);
  });
});
