// Runs a worker for one Function straight from its source file (`kontinue worker`).
import { readFileSync } from "node:fs";
import os from "node:os";
import { basename, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { KontinueError, isFunctionDefinition, runWorker } from "../runtime/index.ts";
import { connect } from "./connect.ts";
import { sourceImageOf } from "./source-image.ts";
import type { WorkerCommandOptions } from "./worker-command.ts";

export async function runWorkerFromSource(file: string, options: WorkerCommandOptions): Promise<void> {
  const path = resolve(file);
  let source: Buffer;
  try {
    source = readFileSync(path);
  } catch (cause) {
    throw new KontinueError(
      "CLI_NO_FUNCTION_FILE",
      `cannot read the function file "${file}"; pass the path of a file that default-exports defineFunction(...)`,
      { cause, terminal: true },
    );
  }
  const loaded = (await import(pathToFileURL(path).href)) as { default?: unknown };
  if (!isFunctionDefinition(loaded.default)) {
    throw new KontinueError(
      "CLI_NOT_A_FUNCTION",
      `"${file}" does not default-export a function: write "export default defineFunction({ run(ctx, args) { … } })"`,
      { terminal: true },
    );
  }
  const { kubeConfig, namespace } = connect({
    ...options,
    namespace: options.namespace ?? (process.env.KONTINUE_NAMESPACE || undefined),
  });
  const env = process.env;
  await runWorker({
    definition: loaded.default,
    functionName: basename(path).replace(/\.[^.]+$/, ""),
    kubeConfig,
    namespace,
    holder: env.POD_NAME || `${os.hostname()}-${process.pid}`,
    ...(env.POD_NAME ? { pod: env.POD_NAME } : {}),
    image: sourceImageOf(source),
    concurrency: count("--concurrency", options.concurrency ?? env.KONTINUE_CONCURRENCY),
    metricsPort: count("--metrics-port", options.metricsPort ?? env.KONTINUE_METRICS_PORT),
    leaseSeconds: count("--lease-seconds", options.leaseSeconds ?? env.KONTINUE_LEASE_SECONDS),
    shutdownGraceMs: (count("--grace", options.grace) ?? 10) * 1000,
  });
}

function count(flag: string, value: string | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0)
    throw new KontinueError("CLI_BAD_FLAG", `${flag} ${JSON.stringify(value)} is not a number ≥ 0`, { terminal: true });
  return number;
}
