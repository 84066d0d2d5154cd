// `kontinue execute <function> [arguments]`: starts an execution, and with --wait prints its result.
import { type Command, Option } from "commander";
import { addKubeOptions, type KubeOptions } from "./kube-flags.ts";

export type OutputFormat = "name" | "json" | "yaml";

export interface ExecuteOptions extends KubeOptions {
  file?: string;
  wait?: boolean;
  timeout: string;
  name?: string;
  idempotencyKey?: string;
  output: OutputFormat;
}

export function registerExecuteCommand(program: Command): void {
  addKubeOptions(
    program
      .command("execute")
      .argument("<function>", "the function's name, e.g. processOrder")
      .argument("[arguments]", 'the arguments, as JSON (default: null), e.g. \'{"orderId":"12345"}\'')
      .option("-f, --file <file>", "read the arguments (JSON) from this file instead")
      .option("--wait", "wait until the execution finishes; print its result (exit 1 when it fails)")
      .option("--timeout <seconds>", "with --wait: how long to wait", "600")
      .option("--name <name>", "the Execution's name (default: from the idempotency key, else generated)")
      .option(
        "--idempotency-key <key>",
        "start at most one execution per function and key: again with the same key returns the first one",
      )
      .addOption(
        new Option("-o, --output <format>", "what to print (with --wait and name: the result)")
          .choices(["name", "json", "yaml"])
          .default("name"),
      ),
  ).action(async (functionName: string, argumentsText: string | undefined, options: ExecuteOptions) => {
    const { executeFunction } = await import("./execute.ts");
    await executeFunction(functionName, argumentsText, options);
  });
}
