// The `kontinue` command tree: one subcommand per file, registered in createProgram. Command files
// load their implementation on use, so one command does not pay for the others' start-up.
import { Command, CommanderError } from "commander";
import { registerClusterCommand } from "./cluster-command.ts";
import { registerDevCommand } from "./dev-command.ts";
import { registerExecuteCommand } from "./execute-command.ts";
import { registerWorkerCommand } from "./worker-command.ts";
import { registerControllerCommand } from "./controller-command.ts";
import { registerBuildCommand } from "./build-command.ts";
import { registerSignalCommand } from "./signal-command.ts";
import { registerGetCommand } from "./get-command.ts";
import { registerDescribeCommand } from "./describe-command.ts";
import { registerLogsCommand } from "./logs-command.ts";
import { registerCancelCommand } from "./cancel-command.ts";
import { registerRetryCommand } from "./retry-command.ts";
import { registerCompletionCommand } from "./completion-command.ts";
import { registerNewCommand } from "./new-command.ts";
import { registerInstallCommand } from "./install-command.ts";
import { registerDeployCommand } from "./deploy-command.ts";
import { registerUiCommand } from "./ui-command.ts";

import packageJson from "../package.json" with { type: "json" };

const { version } = packageJson;

/** Commands that import a user's Function file from source, and so need the TypeScript loader. */
const FROM_SOURCE_COMMANDS = new Set(["worker"]);

/** Builds the command tree. Each `register…Command` adds one subcommand. */
export function createProgram(): Command {
  const program = new Command("kontinue")
    .description("Kubernetes-native durable execution for TypeScript")
    .version(version)
    .option("--debug", "print stack traces with errors")
    .exitOverride()
    .showHelpAfterError()
    .configureHelp({ showGlobalOptions: true })
    .hook("preAction", async (_program, command) => {
      if (!FROM_SOURCE_COMMANDS.has(command.name())) return;
      const { registerFunctionSourceLoader } = await import("./function-source-loader.ts");
      await registerFunctionSourceLoader();
    });
  registerClusterCommand(program);
  registerDevCommand(program);
  registerExecuteCommand(program);
  registerWorkerCommand(program);
  registerControllerCommand(program);
  registerBuildCommand(program);
  registerSignalCommand(program);
  registerGetCommand(program);
  registerDescribeCommand(program);
  registerLogsCommand(program);
  registerCancelCommand(program);
  registerRetryCommand(program);
  registerCompletionCommand(program);
  registerNewCommand(program);
  registerInstallCommand(program);
  registerDeployCommand(program);
  registerUiCommand(program);
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
    const { describeErrorChain } = await import("../runtime/client-entry.ts");
    process.stderr.write(
      `kontinue: ${debug && error instanceof Error ? (error.stack ?? error.message) : describeErrorChain(error)}\n`,
    );
    return 1;
  }
}
