// `kontinue ui [--port] [--open]`: serves the web UI on 127.0.0.1 for the current cluster and prints its URL.
import type { Command } from "commander";
import { addKubeOptions, type KubeOptions } from "./kube-flags.ts";

export interface UiCommandOptions extends KubeOptions {
  port: string;
  open?: boolean;
  token?: string;
}

export function registerUiCommand(program: Command): void {
  addKubeOptions(
    program
      .command("ui")
      .option("--port <port>", "the port to listen on (0: any free one)", "7420")
      .option("--open", "open the URL in the default browser")
      .option("--token <token>", "the token the URL carries (default: a new random one per run)"),
  ).action(async (options: UiCommandOptions) => {
    const port = Number(options.port);
    const { KontinueError } = await import("../runtime/index.ts");
    if (!Number.isInteger(port) || port < 0 || port > 65_535)
      throw new KontinueError("CLI_BAD_FLAG", `--port "${options.port}" is not a port number; pass e.g. --port 7420`, {
        terminal: true,
      });
    const { connect } = await import("./connect.ts");
    const { startUiServer } = await import("../ui/index.ts");
    const connected = connect(options);
    const namespace = connected.namespace;
    const server = await startUiServer({
      kubeConfig: connected.kubeConfig,
      namespace,
      port,
      ...(options.token ? { token: options.token } : {}),
    });
    const cluster = connected.kubeConfig.getCurrentCluster()?.server;
    process.stdout.write(`kontinue ui: namespace "${namespace}" on ${cluster}\n${server.url}\n`);
    if (options.open) {
      const { spawn } = await import("node:child_process");
      const opener = process.platform === "darwin" ? "open" : process.platform === "win32" ? "explorer" : "xdg-open";
      spawn(opener, [server.url], { stdio: "ignore", detached: true })
        .on("error", () => process.stderr.write(`kontinue ui: cannot run "${opener}"; open the URL above\n`))
        .unref();
    }
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
    await server.close();
  });
}
