// `kontinue worker <function-file>`: runs a worker for one Function straight from its source.
import type { Command } from "commander";
import { addKubeOptions, type KubeOptions } from "./kube-flags.ts";

export interface WorkerCommandOptions extends KubeOptions {
  concurrency?: string;
  metricsPort?: string;
  leaseSeconds?: string;
  grace: string;
}

export function registerWorkerCommand(program: Command): void {
  addKubeOptions(
    program
      .command("worker")
      .argument(
        "<function-file>",
        "the Function file; its base name is the function's name (processOrder.ts → processOrder)",
      )
      .option(
        "--concurrency <n>",
        "executions run at once (default: $KONTINUE_CONCURRENCY, then the function's, then 10)",
      )
      .option(
        "--metrics-port <port>",
        "serve /healthz, /readyz and /metrics on this port (default: $KONTINUE_METRICS_PORT, else none)",
      )
      .option("--lease-seconds <n>", "lease length (default: $KONTINUE_LEASE_SECONDS, then 30)")
      .option(
        "--grace <seconds>",
        "on SIGTERM, how long running executions may finish before they are handed back",
        "10",
      ),
  ).action(async (file: string, options: WorkerCommandOptions) => {
    const { runWorkerFromSource } = await import("./run-worker-from-source.ts");
    await runWorkerFromSource(file, options);
  });
}
