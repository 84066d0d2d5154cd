// `kontinue logs <function|execution> [-f]`: the output of a Function's worker Pods, or the lines that name
// one execution (from the Pod holding its lease, else from all of its Function's Pods).
import type { Command } from "commander";
import { addKubeOptions, type KubeOptions } from "./kube-flags.ts";

export interface LogsOptions extends KubeOptions {
  follow?: boolean;
  tail?: string;
}

export function registerLogsCommand(program: Command): void {
  addKubeOptions(
    program
      .command("logs")
      .argument("<name>", "a function (processOrder or process-order) or an execution's name")
      .option("-f, --follow", "keep printing new lines until interrupted")
      .option("--tail <lines>", "only the last lines of each Pod's log (default: all)"),
  ).action(async (name: string, options: LogsOptions) => {
    const stop = new AbortController();
    const onSignal = (): void => stop.abort();
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    try {
      const { printLogs } = await import("./logs.ts");
      await printLogs(name, options, stop.signal);
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
  });
}
