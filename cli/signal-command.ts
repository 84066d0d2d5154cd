// `kontinue signal <execution> <name> [payload]`: sends a signal that ctx.waitForSignal(name) receives.
import type { Command } from "commander";
import { addKubeOptions, type KubeOptions } from "./kube-flags.ts";

export interface SignalOptions extends KubeOptions {
  id?: string;
}

export function registerSignalCommand(program: Command): void {
  addKubeOptions(
    program
      .command("signal")
      .argument("<execution>", "the Execution's name")
      .argument("<name>", "the signal's name")
      .argument("[payload]", "the payload, as JSON", "null")
      .option("--id <id>", "the signal's id; sending the same id again changes nothing (default: a new UUID)"),
  ).action(async (execution: string, name: string, payloadText: string, options: SignalOptions) => {
    const { signalExecution } = await import("./signal.ts");
    await signalExecution(execution, name, payloadText, options);
  });
}
