// `kontinue controller`: runs the controller against the current kubeconfig until SIGTERM/SIGINT.
import type { Command } from "commander";
import { addKubeOptions, type KubeOptions } from "./kube-flags.ts";

interface ControllerCommandOptions extends KubeOptions {
  allNamespaces?: boolean;
}

export function registerControllerCommand(program: Command): void {
  addKubeOptions(
    program
      .command("controller")
      .description("run the controller: resume suspensions, reap expired leases, label and cancel executions")
      .option("-A, --all-namespaces", "watch every namespace instead of one"),
  ).action(async (options: ControllerCommandOptions) => {
    const [{ runController }, { connect }] = await Promise.all([import("../controller/index.ts"), import("./connect.ts")]);
    const { kubeConfig, namespace } = connect(options);
    const stop = new AbortController();
    const onSignal = (): void => stop.abort();
    process.once("SIGTERM", onSignal);
    process.once("SIGINT", onSignal);
    try {
      const scope = options.allNamespaces === true ? { allNamespaces: true as const } : { namespace };
      await runController({ ...scope, kubeConfig, signal: stop.signal });
    } finally {
      process.off("SIGTERM", onSignal);
      process.off("SIGINT", onSignal);
    }
  });
}
