// The web UI `kontinue dev` starts beside the cluster (unless --no-ui): its URL, token included, goes to the
// terminal; a port in use is said, not fatal, since the loop itself still works.
import type { KubeConfig } from "@kubernetes/client-node";
import { describeErrorChain, isKontinueError } from "../runtime/index.ts";
import type { UiServer } from "../ui/index.ts";
import { startPersistentUi } from "./start-persistent-ui.ts";

export interface DevUiOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  /** `--ui-port`. */
  port: number;
  say(line: string): void;
}

export async function startDevUi(options: DevUiOptions): Promise<UiServer | undefined> {
  try {
    const { kubeConfig, namespace, port } = options;
    const server = await startPersistentUi({ kubeConfig, namespace, port, token: undefined });
    options.say(`ui:         ${server.url}`);
    return server;
  } catch (error) {
    if (!isKontinueError(error, "UI_PORT_IN_USE")) throw error;
    options.say(`no UI: ${describeErrorChain(error)} (--ui-port <n>, or --no-ui)`);
    return undefined;
  }
}
