// `kontinue dev [dir]`: the inner loop on the embedded default — devcluster with its local runner, a loopback
// registry and the controller; the folder deployed as on a cluster and redeployed on save.
import type { Command } from "commander";
import { resolve } from "node:path";
import type { KubeOptions } from "./kube-flags.ts";
import { DEFAULT_UI_PORT, parsePort } from "./ui-command.ts";

export interface DevOptions extends KubeOptions {
  data: string;
  port: string;
  registry?: string;
  base?: string;
  dockerHost?: string;
  uiPort: string;
  /** False with --no-ui. */
  ui: boolean;
}

export function registerDevCommand(program: Command): void {
  program
    .command("dev")
    .argument("[dir]", "the folder of Function files", "functions")
    .option(
      "--data <dir>",
      "devcluster's data folder (kept between runs); images go to its sibling registry/",
      ".kontinue/cluster",
    )
    .option("--port <n>", "devcluster's port (0: any free port)", "0")
    .option("--registry <host[:port]/prefix>", "push images here instead of dev's own loopback registry")
    .option(
      "--base <image>",
      "base image (default: in process mode a stand-in for this machine's node, under Docker the official Node image)",
    )
    .option(
      "--docker-host <url>",
      "run workers in containers on this Docker engine (default: $DOCKER_HOST; none: processes)",
    )
    .option("--ui-port <port>", "the web UI's port (0: any free one)", String(DEFAULT_UI_PORT))
    .option("--no-ui", "do not start the web UI")
    .option("--kubeconfig <file>", "use this cluster instead of starting devcluster")
    .option("-n, --namespace <namespace>", 'the namespace (default: the kubeconfig context\'s, then "default")')
    .action(async (dir: string, options: DevOptions) => {
      const stop = new AbortController();
      const onSignal = (): void => stop.abort();
      process.once("SIGINT", onSignal);
      process.once("SIGTERM", onSignal);
      // A bad --ui-port fails before anything starts.
      if (options.ui) await parsePort("--ui-port", options.uiPort);
      const { runDev } = await import("./dev.ts");
      await runDev(resolve(dir), options, stop.signal);
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    });
}
