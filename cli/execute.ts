// Starts an execution of a function and, with --wait, waits for it (by watch) and prints its result.
import { readFile } from "node:fs/promises";
import { createClient, ExecutionFailedError } from "../client/index.ts";
import { type Execution, GROUP } from "../crds/index.ts";
import { connect } from "./connect.ts";
import type { ExecuteOptions } from "./execute-command.ts";
import { parseJsonArgument } from "./json-argument.ts";
import { parseSeconds } from "./parse-seconds.ts";
import { printObjects } from "./print-objects.ts";
import { UsageError } from "./usage-error.ts";

export async function executeFunction(
  functionName: string,
  argumentsText: string | undefined,
  options: ExecuteOptions,
): Promise<void> {
  // Every flag is checked before anything is created.
  if (argumentsText !== undefined && options.file !== undefined)
    throw new UsageError(`give the arguments either on the command line or with --file "${options.file}", not both`);
  const timeoutMs = parseSeconds("--timeout", options.timeout) * 1000;
  const args =
    options.file === undefined
      ? parseJsonArgument("arguments", argumentsText ?? "null")
      : parseJsonArgument("arguments", await readArguments(options.file), options.file);
  const client = createClient(connect(options));
  try {
    await client.findFunction(functionName);
    const created = await client.createExecution(functionName, args, {
      ...(options.name === undefined ? {} : { name: options.name }),
      ...(options.idempotencyKey === undefined ? {} : { idempotencyKey: options.idempotencyKey }),
    });
    const name = created.metadata.name!;
    if (!options.wait) {
      process.stdout.write(printed(options.output, created, `execution.${GROUP}/${name} created\n`));
      return;
    }
    const finished = await client.waitForFinish(name, { timeoutMs });
    const phase = finished.status?.phase;
    if (phase !== "Completed") throw new ExecutionFailedError(finished, phase === "Cancelled" ? "Cancelled" : "Failed");
    process.stdout.write(
      printed(options.output, finished, `${JSON.stringify(finished.status?.result ?? null, null, 2)}\n`),
    );
  } finally {
    client.close();
  }
}

function printed(output: ExecuteOptions["output"], execution: Execution, nameText: string): string {
  return output === "name" ? nameText : printObjects([execution], { output, single: true });
}

async function readArguments(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (cause) {
    throw new UsageError(`cannot read the arguments file "${file}": ${(cause as Error).message}`, cause);
  }
}
