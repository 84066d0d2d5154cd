// `kontinue dev [dir]`: the inner loop on the embedded default — devcluster, the controller, and one
// worker per Function file, restarted when its sources change.
import type { Command } from "commander";
import { resolve } from "node:path";
import type { KubeOptions } from "./kube-flags.ts";

export interface DevOptions extends KubeOptions {
  data: string;
  port: string;
}

export function registerDevCommand(program: Command): void {
  program
    .command("dev")
    .description(
      "run functions from source on a local cluster: devcluster, the controller, and a worker per file, restarted on " +
        "change",
    )
    .argument("[dir]", "the folder of Function files", "functions")
    .option("--data <dir>", "devcluster's data folder (kept between runs)", ".kontinue/cluster")
    .option("--port <n>", "devcluster's port (0: any free port)", "0")
    .option("--kubeconfig <file>", "use this cluster instead of starting devcluster")
    .option("-n, --namespace <namespace>", 'the namespace (default: the kubeconfig context\'s, then "default")')
    .action(async (dir: string, options: DevOptions) => {
      const stop = new AbortController();
      const onSignal = (): void => stop.abort();
      process.once("SIGINT", onSignal);
      process.once("SIGTERM", onSignal);
      const { runDev } = await import("./dev.ts");
      await runDev(resolve(dir), options, stop.signal);
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    });
}
