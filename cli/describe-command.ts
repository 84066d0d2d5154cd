// `kontinue describe execution|function <name>`: an execution's step timeline and suspension, or a function's
// revisions, workers and queue.
import type { Command } from "commander";
import { addKubeOptions, type KubeOptions } from "./kube-flags.ts";

export type DescribeOptions = KubeOptions;

export function registerDescribeCommand(program: Command): void {
  addKubeOptions(
    program
      .command("describe")
      .argument("<kind>", "execution or function")
      .argument("<name>", "the execution's name, or the function's (processOrder or process-order)"),
  ).action(async (kind: string, name: string, options: DescribeOptions) => {
    const { describeObject } = await import("./describe.ts");
    await describeObject(kind, name, options);
  });
}
