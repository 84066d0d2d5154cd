// The `kontinue` command tree: one subcommand per file, registered in createProgram.
import { Command, CommanderError } from "commander";
import { createRequire } from "node:module";
import { describeErrorChain } from "../runtime/index.ts";
import { registerExecuteCommand } from "./execute-command.ts";

const { version } = createRequire(import.meta.url)("../package.json") as { version: string };

/** Builds the command tree. Each `register…Command` adds one subcommand. */
export function createProgram(): Command {
  const program = new Command("kontinue")
    .description("Kubernetes-native durable execution for TypeScript")
    .version(version)
    .option("--debug", "print stack traces with errors")
    .exitOverride()
    .showHelpAfterError();
  registerExecuteCommand(program);
  return program;
}

/** Runs the CLI with `argv` (without node and script) and resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = createProgram();
  try {
    await program.parseAsync([...argv], { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    const debug = program.opts<{ debug?: boolean }>().debug === true;
    process.stderr.write(`kontinue: ${debug && error instanceof Error ? (error.stack ?? error.message) : describeErrorChain(error)}\n`);
    return 1;
  }
}
