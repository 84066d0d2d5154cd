// Running a worker as a process: settings from the environment (or flags), health endpoints,
// and SIGTERM handling (stop claiming, finish or hand back within the grace period, exit 0).
import os from "node:os";
import type { FunctionDefinition } from "../define-function.ts";
import { KontinueError } from "../kontinue-error.ts";
import { startHealthServer } from "./health-server.ts";
import { Worker, type WorkerOptions } from "./worker.ts";

export interface RunWorkerOptions extends WorkerOptions {
  /** Port of /healthz, /readyz, /metrics; none when undefined. */
  metricsPort?: number;
  /** Address the health server binds (default all interfaces; a Pod's worker binds its Pod IP). */
  healthHost?: string;
  /** How long SIGTERM waits for running attempts before handing them back (default 10 s). */
  shutdownGraceMs?: number;
  /** Stops the worker when it aborts (default: SIGTERM or SIGINT). */
  signal?: AbortSignal;
}

/**
 * Worker settings read from the environment: KUBECONFIG (else in-cluster), KONTINUE_NAMESPACE, KONTINUE_CONCURRENCY,
 * POD_NAME, KONTINUE_METRICS_PORT, KONTINUE_HEALTH_HOST, KONTINUE_IMAGE, KONTINUE_REVISION, KONTINUE_LEASE_SECONDS,
 * KONTINUE_SHUTDOWN_GRACE_SECONDS.
 */
export async function workerSettingsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): Promise<Omit<RunWorkerOptions, "definition" | "functionName">> {
  // Loaded here, not at import: a Function file imports the runtime, and only the worker needs client-node.
  const { KubeConfig } = await import("../kube-client.ts");
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromDefault();
  const contextNamespace = kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace;
  return {
    kubeConfig,
    namespace: env.KONTINUE_NAMESPACE || contextNamespace || "default",
    holder: env.POD_NAME || `${os.hostname()}-${process.pid}`,
    ...(env.POD_NAME ? { pod: env.POD_NAME } : {}),
    image: env.KONTINUE_IMAGE || "unknown",
    ...(env.KONTINUE_REVISION ? { revision: env.KONTINUE_REVISION } : {}),
    ...(env.KONTINUE_HEALTH_HOST ? { healthHost: env.KONTINUE_HEALTH_HOST } : {}),
    ...defined("concurrency", numberSetting(env, "KONTINUE_CONCURRENCY")),
    ...defined("metricsPort", numberSetting(env, "KONTINUE_METRICS_PORT")),
    ...defined("leaseSeconds", numberSetting(env, "KONTINUE_LEASE_SECONDS")),
    ...defined("shutdownGraceMs", secondsAsMs(numberSetting(env, "KONTINUE_SHUTDOWN_GRACE_SECONDS"))),
  };
}

/** The number an environment variable holds (≥ 0), undefined when unset or empty. */
function numberSetting(env: NodeJS.ProcessEnv, variable: string): number | undefined {
  const value = env[variable];
  if (value === undefined || value === "") return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) {
    throw new KontinueError(
      "RUNTIME_BAD_SETTING",
      `cannot read ${variable}=${JSON.stringify(value)}: expected a number ≥ 0; fix the environment variable`,
      { terminal: true },
    );
  }
  return number;
}

const secondsAsMs = (seconds: number | undefined): number | undefined =>
  seconds === undefined ? undefined : seconds * 1000;

/** `{ [key]: value }`, or nothing when value is undefined (options leave unset settings out). */
function defined<K extends string>(key: K, value: number | undefined): { [P in K]?: number } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: number };
}

/** Runs a worker until SIGTERM/SIGINT (or `signal`), then stops it gracefully. */
export async function runWorker(options: RunWorkerOptions): Promise<void> {
  const { metricsPort, healthHost, shutdownGraceMs, signal: stopSignal, ...workerOptions } = options;
  const worker = new Worker(workerOptions);
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  const signal = stopSignal ?? stop.signal;
  if (stopSignal === undefined) {
    process.once("SIGTERM", onSignal);
    process.once("SIGINT", onSignal);
  }
  const health =
    metricsPort === undefined
      ? undefined
      : await startHealthServer({
          port: metricsPort,
          ...(healthHost === undefined ? {} : { host: healthHost }),
          ready: () => worker.ready,
          registry: worker.metrics.registry,
        });
  try {
    await worker.start();
    const started =
      `${new Date().toISOString()} info worker "${workerOptions.holder}" runs function ` +
      `"${workerOptions.functionName}" in namespace ` +
      `"${workerOptions.namespace}"${health === undefined ? "" : ` (health and metrics on port ${health.port})`}`;
    (workerOptions.log ?? ((line: string) => void process.stdout.write(`${line}\n`)))(started);
    if (!signal.aborted)
      await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
    await worker.stop(shutdownGraceMs ?? 10_000);
  } finally {
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
    await health?.close();
  }
}

/**
 * The image entrypoint: a worker for `definition`, configured from the environment; after SIGTERM it hands back what it
 * holds and the process exits 0.
 */
export async function runWorkerFromEnv(options: {
  definition: FunctionDefinition;
  functionName: string;
}): Promise<void> {
  await runWorker({
    ...(await workerSettingsFromEnv()),
    definition: options.definition,
    functionName: options.functionName,
  });
  process.exitCode = 0;
  // Idle keep-alive sockets must not hold the process open past its shutdown.
  setTimeout(() => process.exit(0), 2_000).unref();
}
