// `kontinue ui [--port] [--open]`: serves the web UI on 127.0.0.1 for the current cluster and prints its URL.
import type { Command } from "commander";
import { addKubeOptions, type KubeOptions } from "./kube-flags.ts";

/** The port `kontinue ui` and the UI `kontinue dev` starts listen on unless told otherwise. */
export const DEFAULT_UI_PORT = 7420;

export interface UiCommandOptions extends KubeOptions {
  port: string;
  open?: boolean;
  token?: string;
}

export function registerUiCommand(program: Command): void {
  addKubeOptions(
    program
      .command("ui")
      .option("--port <port>", "the port to listen on (0: any free one)", String(DEFAULT_UI_PORT))
      .option("--open", "open the URL in the default browser")
      .option(
        "--token <token>",
        "the token the URL carries (default: the one kept in .kontinue/ui-token, or $XDG_STATE_HOME/kontinue/ui-token)",
      ),
  ).action(async (options: UiCommandOptions) => {
    const port = await parsePort("--port", options.port);
    const { connect } = await import("./connect.ts");
    const { startPersistentUi } = await import("./start-persistent-ui.ts");
    const connected = connect(options);
    const namespace = connected.namespace;
    const server = await startPersistentUi({ kubeConfig: connected.kubeConfig, namespace, port, token: options.token });
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

/** A port flag's value as a number, or an error naming the flag. */
export async function parsePort(flag: string, value: string): Promise<number> {
  const port = Number(value);
  const { KontinueError } = await import("../runtime/client-entry.ts");
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new KontinueError(
      "CLI_BAD_FLAG",
      `${flag} "${value}" is not a port number; pass e.g. ${flag} ${DEFAULT_UI_PORT}`,
      {
        terminal: true,
      },
    );
  return port;
}
