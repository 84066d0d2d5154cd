// Starts the web UI: informers on the cluster, the prebuilt app and its API on 127.0.0.1, behind a per-run token.
import type { KubeConfig } from "@kubernetes/client-node";
import { createClient, type KontinueClient } from "../../client/index.ts";
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createKubeHttp, systemClock, type Clock, type KubeHttp } from "../../runtime/index.ts";
import { defaultAppDir, loadAppAssets } from "./app-assets.ts";
import { createClusterState } from "./cluster-state.ts";
import { UiError } from "./ui-error.ts";
import { createUiRequestHandler } from "./ui-request-handler.ts";

export interface UiServerOptions {
  /** The user's kubeconfig (context already chosen): the UI acts with its credentials, so RBAC decides. */
  kubeConfig: KubeConfig;
  /** The namespace shown and acted in. */
  namespace: string;
  /** Default 0: any free port. */
  port?: number;
  /** Default: a random 32-hex-digit token (`loadUiToken` keeps one across runs). */
  token?: string;
  /** Where a user without the token finds it, for the 401 page, e.g. `it is in ".kontinue/ui-token"`. */
  tokenHint?: string;
  /** Default: ui/dist/ of this package (`npm run build:ui`). */
  appDir?: string;
  /** Default: the client library's actions over `http`. */
  client?: KontinueClient;
  http?: KubeHttp;
  clock?: Clock;
  /** The least time between two batches to the browsers (a quiet stream sends at once). Default 20 ms. */
  coalesceMs?: number;
  /** Default 5,000 ms: how often an idle stream proves it is alive. */
  heartbeatMs?: number;
  /** Informer errors (they restart by themselves). Default: written to stderr. */
  onError?(error: unknown): void;
}

export interface UiServer {
  /** The URL to open, token included. */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  /** Drops the stream's history and sends every browser a snapshot, as after a relist. */
  resync(): void;
  close(): Promise<void>;
}

const host = "127.0.0.1";

export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const assets = loadAppAssets(options.appDir ?? defaultAppDir());
  const clock = options.clock ?? systemClock;
  const http = options.http ?? createKubeHttp(options.kubeConfig);
  const onError =
    options.onError ?? ((error: unknown) => process.stderr.write(`kontinue ui: ${(error as Error).message}\n`));
  const state = createClusterState({
    kubeConfig: options.kubeConfig,
    http,
    namespace: options.namespace,
    clock,
    onError,
    ...(options.coalesceMs === undefined ? {} : { coalesceMs: options.coalesceMs }),
  });
  await state.start();
  const token = options.token ?? randomBytes(16).toString("hex");
  let port = options.port ?? 0;
  const handler = createUiRequestHandler({
    token,
    tokenHint: options.tokenHint ?? 'open the URL that "kontinue ui" printed',
    origins: () => [`http://${host}:${port}`, `http://localhost:${port}`],
    state,
    client: options.client ?? uiClient(options.kubeConfig, options.namespace),
    assets,
    namespace: options.namespace,
    heartbeatMs: options.heartbeatMs ?? 5_000,
  });
  const server = createServer((request, response) => void handler(request, response));
  try {
    port = await listen(server, options.port ?? 0);
  } catch (error) {
    await state.stop();
    throw error;
  }
  return {
    url: `http://${host}:${port}/?token=${token}`,
    port,
    token,
    resync: () => state.stream.resync(),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await state.stop();
    },
  };
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "EADDRINUSE"
          ? new UiError("UI_PORT_IN_USE", `port ${port} on ${host} is in use; pick another with --port`, {
              cause: error,
            })
          : error,
      ),
    );
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

/** The client library on the UI's kubeconfig and namespace: its actions run with the user's credentials. */
function uiClient(kubeConfig: KubeConfig, namespace: string): KontinueClient {
  const server = kubeConfig.getCurrentCluster()?.server ?? "the cluster";
  return createClient({ kubeConfig, namespace, description: `${server} (the UI's kubeconfig)`, source: "flag" });
}
