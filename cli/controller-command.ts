// `kontinue controller`: runs the controller against the current kubeconfig until SIGTERM/SIGINT.
import { InvalidArgumentError, type Command } from "commander";
import { addKubeOptions, type KubeOptions } from "./kube-flags.ts";

interface ControllerCommandOptions extends KubeOptions {
  allNamespaces?: boolean;
  leaderElect: boolean;
  leaseName: string;
}

function parseSwitch(value: string): boolean {
  if (value === "true") return true;
  if (value === "false") return false;
  throw new InvalidArgumentError(`expected true or false, got "${value}"`);
}

export function registerControllerCommand(program: Command): void {
  addKubeOptions(
    program
      .command("controller")
      .option("-A, --all-namespaces", "watch every namespace instead of one")
      .option(
        "--leader-elect [enabled]",
        "hold a Lease so that only one controller replica acts (true|false)",
        parseSwitch,
        true,
      )
      .option("--lease-name <name>", "the Lease, in the controller's namespace (--namespace)", "kontinue-controller"),
  ).action(async (options: ControllerCommandOptions) => {
    const [{ runController }, { connect }] = await Promise.all([
      import("../controller/index.ts"),
      import("./connect.ts"),
    ]);
    const { kubeConfig, namespace } = connect(options);
    const stop = new AbortController();
    const onSignal = (): void => stop.abort();
    process.once("SIGTERM", onSignal);
    process.once("SIGINT", onSignal);
    try {
      const scope = options.allNamespaces === true ? { allNamespaces: true as const } : { namespace };
      const leaderElection = options.leaderElect ? { namespace, leaseName: options.leaseName } : ("disabled" as const);
      await runController({ ...scope, kubeConfig, signal: stop.signal, leaderElection });
    } finally {
      process.off("SIGTERM", onSignal);
      process.off("SIGINT", onSignal);
    }
  });
}
