// `kontinue cancel <execution>`: asks an execution to stop; its worker (or the controller) marks it Cancelled.
import type { Command } from "commander";
import { addKubeOptions, type KubeOptions } from "./kube-flags.ts";

export interface CancelOptions extends KubeOptions {
  wait?: boolean;
  timeout: string;
}

export function registerCancelCommand(program: Command): void {
  addKubeOptions(
    program
      .command("cancel")
      .argument("<execution>", "the Execution's name")
      .option("--wait", "wait until it has stopped")
      .option("--timeout <seconds>", "with --wait: how long to wait", "60"),
  ).action(async (execution: string, options: CancelOptions) => {
    const { cancelExecution } = await import("./cancel.ts");
    await cancelExecution(execution, options);
  });
}
