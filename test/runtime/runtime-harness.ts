// Shared by the runtime scenarios: a namespace per test file on the run's devcluster, executions,
// in-process and child-process workers, and the controller.
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { inject } from "vitest";
import { startController, type RunningController } from "../../controller/index.ts";
import {
  API_VERSION,
  FUNCTION_LABEL,
  toResourceName,
  type Execution,
  type FunctionResource,
} from "../../crds/index.ts";
import {
  Worker,
  createKubeHttp,
  kontinueResources,
  type FunctionDefinition,
  type KontinueResources,
  type LeaseRecord,
  type WorkerOptions,
} from "../../runtime/index.ts";

export const repository = fileURLToPath(new URL("../..", import.meta.url));

export interface TestCluster {
  kubeconfigPath: string;
  kubeConfig: KubeConfig;
  resources: KontinueResources;
  namespace: string;
}

/** Connects to the run's Kubernetes API (devcluster, started by test/global-setup.ts) and creates a fresh namespace. */
export async function testCluster(prefix: string, kubeconfigPath = inject("kubeconfig")): Promise<TestCluster> {
  if (!kubeconfigPath)
    throw new Error(
      "no kubeconfig was provided: test/global-setup.ts must start devcluster (or set KONTINUE_TEST_KUBECONFIG); " +
        "these tests need a real Kubernetes API",
    );
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kubeconfigPath);
  const namespace = `${prefix}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e4)}`;
  await kubeConfig.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
  return { kubeconfigPath, kubeConfig, resources: kontinueResources(createKubeHttp(kubeConfig)), namespace };
}

export function executionBody(namespace: string, name: string, fn: string, args: unknown): Execution {
  return {
    apiVersion: API_VERSION,
    kind: "Execution",
    metadata: { name, namespace, labels: { [FUNCTION_LABEL]: toResourceName(fn) } },
    spec: { function: fn, arguments: args },
  };
}

export async function createExecution(
  cluster: TestCluster,
  name: string,
  fn: string,
  args: unknown,
): Promise<Execution> {
  return cluster.resources.executions.create(cluster.namespace, executionBody(cluster.namespace, name, fn, args));
}

/** A Function resource, so `ctx.execute` knows the function and the reaper reads its retry policy. */
export async function createFunction(
  cluster: TestCluster,
  functionName: string,
  spec: Partial<FunctionResource["spec"]> = {},
): Promise<void> {
  await cluster.resources.functions.create(cluster.namespace, {
    apiVersion: API_VERSION,
    kind: "Function",
    metadata: { name: toResourceName(functionName), namespace: cluster.namespace },
    spec: { image: "source", functionName, ...spec },
  });
}

/** Polls `read` until `done` holds; fails with `what` and the last value after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  read: () => Promise<T> | T,
  done: (value: T) => boolean,
  timeoutMs = 30_000,
  everyMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(value)?.slice(0, 2000)}`,
      );
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

const finished = new Set(["Completed", "Failed", "Cancelled"]);

export async function waitFinished(cluster: TestCluster, name: string, timeoutMs = 30_000): Promise<Execution> {
  try {
    return (await waitFor(
      `execution "${name}" to finish`,
      () => cluster.resources.executions.get(cluster.namespace, name),
      (e) => finished.has(e?.status?.phase ?? ""),
      timeoutMs,
    ))!;
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${await describeNamespace(cluster)}`);
  }
}

/** One line per Execution (phase, lease, step statuses) and Suspension in the test namespace, for failure messages. */
export async function describeNamespace(cluster: TestCluster): Promise<string> {
  const executions = (await cluster.resources.executions.list(cluster.namespace)).items.map(
    (e) =>
      `execution ${e.metadata.name}: ${e.status?.phase ?? "(no status)"} lease=${e.status?.lease?.holder ?? "-"} ` +
      `steps=${(e.status?.state?.steps ?? []).map((s) => `${s.seq}:${s.status}`).join(",")}`,
  );
  const suspensions = (await cluster.resources.suspensions.list(cluster.namespace)).items.map(
    (s) => `suspension ${s.metadata.name}: ${JSON.stringify(s.spec)}`,
  );
  return [...executions, ...suspensions].join("\n");
}

export async function waitPhase(
  cluster: TestCluster,
  name: string,
  phase: string,
  timeoutMs = 30_000,
): Promise<Execution> {
  return (await waitFor(
    `execution "${name}" to be ${phase}`,
    () => cluster.resources.executions.get(cluster.namespace, name),
    (e) => e?.status?.phase === phase,
    timeoutMs,
  ))!;
}

/** Starts an in-process worker; stop it with `worker.stop(0)`. */
export async function startWorker(
  cluster: TestCluster,
  functionName: string,
  definition: FunctionDefinition,
  options: Partial<WorkerOptions> & { records?: LeaseRecord[] } = {},
): Promise<Worker> {
  const { records, ...rest } = options;
  const worker = new Worker({
    definition,
    functionName,
    kubeConfig: cluster.kubeConfig,
    namespace: cluster.namespace,
    holder: `test-${functionName}-${Math.random().toString(36).slice(2, 8)}`,
    image: "test-image-1",
    log: () => {},
    ...(records === undefined ? {} : { onLease: (record: LeaseRecord) => records.push(record) }),
    ...rest,
  });
  await worker.start();
  return worker;
}

export function startTestController(cluster: TestCluster): Promise<RunningController> {
  return startController({ kubeConfig: cluster.kubeConfig, namespace: cluster.namespace, log: () => {} });
}

/** `node bin/kontinue.js worker <file>` as a child process against the test cluster. */
export function spawnWorker(
  cluster: TestCluster,
  file: string,
  env: Record<string, string> = {},
): ChildProcess & { output: () => string } {
  const child = spawn(
    process.execPath,
    [
      "bin/kontinue.js",
      "worker",
      file,
      "--kubeconfig",
      cluster.kubeconfigPath,
      "--namespace",
      cluster.namespace,
      "--grace",
      "1",
    ],
    {
      cwd: repository,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  child.stderr!.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  return Object.assign(child, { output: () => output });
}

export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}
