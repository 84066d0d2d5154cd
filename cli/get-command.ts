// `kontinue get functions|executions|schedules|revisions [name]`: kubectl-style tables, -o yaml|json|name, -w.
import { type Command, InvalidArgumentError, Option } from "commander";
import { addKubeOptions, type KubeOptions } from "./kube-flags.ts";

export type GetOutput = "wide" | "yaml" | "json" | "name";

export interface GetOptions extends KubeOptions {
  watch?: boolean;
  selector?: string;
  output?: GetOutput;
  /** Objects per list request (kubectl's --chunk-size); 0: all in one. */
  chunkSize: number;
}

function chunkSize(value: string): number {
  const size = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(size))
    throw new InvalidArgumentError(`"${value}" is not a number of objects; use 0 or more (0 lists all in one request)`);
  return size;
}

export function registerGetCommand(program: Command): void {
  addKubeOptions(
    program
      .command("get")
      .argument("<kind>", "functions, executions, schedules or revisions (singular and short names work too)")
      .argument("[name]", "one object (for revisions: a function's)")
      .option("-w, --watch", "after listing, print each change until interrupted")
      .option("-l, --selector <selector>", "only objects whose labels match, e.g. kontinue.cloud/function=greet")
      .option("--chunk-size <n>", "list this many objects per request (0: all in one request)", chunkSize, 500)
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
