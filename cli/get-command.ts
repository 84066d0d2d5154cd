// `kontinue get functions|executions|schedules|revisions [name]`: kubectl-style tables, -o yaml|json|name, -w.
import { type Command, Option } from "commander";
import { addKubeOptions, type KubeOptions } from "./kube-flags.ts";

export type GetOutput = "wide" | "yaml" | "json" | "name";

export interface GetOptions extends KubeOptions {
  watch?: boolean;
  selector?: string;
  output?: GetOutput;
}

export function registerGetCommand(program: Command): void {
  addKubeOptions(
    program
      .command("get")
      .argument("<kind>", "functions, executions, schedules or revisions (singular and short names work too)")
      .argument("[name]", "one object (for revisions: a function's)")
      .option("-w, --watch", "after listing, print each change until interrupted")
      .option("-l, --selector <selector>", "only objects whose labels match, e.g. kontinue.cloud/function=greet")
      .addOption(
        new Option(
          "-o, --output <format>",
          "wide: more columns; yaml, json, name: the objects (default: a table)",
        ).choices(["wide", "yaml", "json", "name"]),
      ),
  ).action(async (kind: string, name: string | undefined, options: GetOptions) => {
    const stop = new AbortController();
    const onSignal = (): void => stop.abort();
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    try {
      const { getObjects } = await import("./get.ts");
      await getObjects(kind, name, options, stop.signal);
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
  });
}
