// `kontinue retry <execution>`: a new execution with a Failed or Cancelled one's arguments, annotated retry-of.
import { type Command, Option } from "commander";
import { addKubeOptions, type KubeOptions } from "./kube-flags.ts";

export interface RetryOptions extends KubeOptions {
  output: "name" | "json" | "yaml";
}

export function registerRetryCommand(program: Command): void {
  addKubeOptions(
    program
      .command("retry")
      .argument("<execution>", "the Failed Execution's name")
      .addOption(
        new Option("-o, --output <format>", "what to print of the new execution")
          .choices(["name", "json", "yaml"])
          .default("name"),
      ),
  ).action(async (execution: string, options: RetryOptions) => {
    const { retryExecution } = await import("./retry.ts");
    await retryExecution(execution, options);
  });
}
