// The `kontinue` command tree: one subcommand per file, listed in COMMANDS and loaded only when it runs (or when
// the whole tree is read), and each command file loads its implementation on use: `--version`, `--help` and one
// command do not pay for the others' start-up.
import { Command, CommanderError } from "commander";
import packageJson from "../package.json" with { type: "json" };

const { version } = packageJson;

/** One subcommand: what `kontinue --help` lists without loading it, and its file's `register…Command`. */
export interface CommandEntry {
  name: string;
  description: string;
  load: () => Promise<(program: Command) => void>;
}

/** Every subcommand, in the order `kontinue --help` lists them. */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: "cluster",
    description: "the embedded Kubernetes-API-compatible cluster (devcluster)",
    load: async () => (await import("./cluster-command.ts")).registerClusterCommand,
  },
  {
    name: "dev",
    description:
      "deploy a folder of Functions to a local cluster (devcluster, a loopback registry, the controller) and " +
      "redeploy on save",
    load: async () => (await import("./dev-command.ts")).registerDevCommand,
  },
  {
    name: "execute",
    description: "start an execution of a function; with --wait, wait for it and print its result",
    load: async () => (await import("./execute-command.ts")).registerExecuteCommand,
  },
  {
    name: "worker",
    description: "run a worker for one function from its source file, against the current kubeconfig",
    load: async () => (await import("./worker-command.ts")).registerWorkerCommand,
  },
  {
    name: "controller",
    description:
      "run the controller: worker Deployments per Function and revision, scaling, suspensions, leases, cancellation",
    load: async () => (await import("./controller-command.ts")).registerControllerCommand,
  },
  {
    name: "build",
    description: "build one container image per Function file (no Docker needed) and print the Function manifests",
    load: async () => (await import("./build-command.ts")).registerBuildCommand,
  },
  {
    name: "signal",
    description: "send a signal to an execution (ctx.waitForSignal receives its payload)",
    load: async () => (await import("./signal-command.ts")).registerSignalCommand,
  },
  {
    name: "get",
    description: "list functions, executions, schedules or revisions (a Function's image digests and their workers)",
    load: async () => (await import("./get-command.ts")).registerGetCommand,
  },
  {
    name: "describe",
    description: "show one execution (its steps, children, suspension, events) or function (revisions, workers)",
    load: async () => (await import("./describe-command.ts")).registerDescribeCommand,
  },
  {
    name: "logs",
    description: "print the logs of a function's workers, or the lines naming one execution",
    load: async () => (await import("./logs-command.ts")).registerLogsCommand,
  },
  {
    name: "cancel",
    description: "cancel an execution (and the children it started); ctx.signal fires in its code",
    load: async () => (await import("./cancel-command.ts")).registerCancelCommand,
  },
  {
    name: "retry",
    description:
      "retry a Failed or Cancelled execution: a new one with the same arguments, annotated kontinue.cloud/retry-of",
    load: async () => (await import("./retry-command.ts")).registerRetryCommand,
  },
  {
    name: "completion",
    description: "print shell completion: source <(kontinue completion bash), or zsh",
    load: async () => (await import("./completion-command.ts")).registerCompletionCommand,
  },
  {
    name: "new",
    description: "scaffold a Function file from a template (see --list)",
    load: async () => (await import("./new-command.ts")).registerNewCommand,
  },
  {
    name: "install",
    description:
      "install Kontinue into a cluster: the CRDs, a namespace, the controller's ServiceAccount and least-privilege " +
      "RBAC, and the controller Deployment (its image built and pushed to --registry)",
    load: async () => (await import("./install-command.ts")).registerInstallCommand,
  },
  {
    name: "deploy",
    description:
      "build and push one image per Function file, server-side apply the Functions, and wait until each is Ready",
    load: async () => (await import("./deploy-command.ts")).registerDeployCommand,
  },
  {
    name: "ui",
    description: "serve the web UI (executions, functions, schedules, live) on 127.0.0.1 and print its URL",
    load: async () => (await import("./ui-command.ts")).registerUiCommand,
  },
];

/** Commands that import a user's Function file from source, and so need the TypeScript loader. */
const FROM_SOURCE_COMMANDS = new Set(["worker"]);

/** Commands that read the whole command tree (every command's flags). */
const WHOLE_TREE_COMMANDS = new Set(["completion"]);

/**
 * Which commands are loaded in full: "all" (tests, completion), or the one a command line names — the others are
 * listed by name and description only, which is all `--help`, `--version` and a command's own run need.
 */
export type CommandsToLoad = "all" | { only: string | undefined };

/** Builds the command tree; each loaded command's `register…Command` adds its flags, arguments and action. */
export async function createProgram(load: CommandsToLoad = "all"): Promise<Command> {
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
  const only = load === "all" ? undefined : load.only;
  const loadAll = load === "all" || WHOLE_TREE_COMMANDS.has(only ?? "");
  const registers = await Promise.all(
    COMMANDS.map((entry) => (loadAll || entry.name === only ? entry.load() : undefined)),
  );
  for (const [index, entry] of COMMANDS.entries()) {
    const register = registers[index];
    if (register === undefined) program.command(entry.name).description(entry.description);
    else {
      register(program);
      program.commands.at(-1)!.description(entry.description);
    }
  }
  return program;
}

/** The subcommand a command line runs: its first word that is not a flag (`help <command>` names it next). */
function commandIn(argv: readonly string[]): string | undefined {
  const words = argv.filter((word) => !word.startsWith("-"));
  return words[0] === "help" ? words[1] : words[0];
}

/** Runs the CLI with `argv` (without node and script) and resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = await createProgram({ only: commandIn(argv) });
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
