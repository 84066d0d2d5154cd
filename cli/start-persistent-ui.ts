// The web UI as `kontinue ui` and `kontinue dev` start it: with the token kept across runs (or the --token given),
// and a 401 page that says where that token is.
import type { KubeConfig } from "@kubernetes/client-node";
import { loadUiToken, startUiServer, type UiServer } from "../ui/index.ts";

export interface PersistentUiOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  port: number;
  /** `--token`; default the stored one. */
  token: string | undefined;
  /** Where the project is looked for (default process.cwd()). */
  cwd?: string;
}

export async function startPersistentUi(options: PersistentUiOptions): Promise<UiServer> {
  const kept = loadUiToken({
    ...(options.token === undefined ? {} : { given: options.token }),
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  const where = kept.file === undefined ? "it was given with --token" : `it is in "${kept.file}"`;
  return startUiServer({
    kubeConfig: options.kubeConfig,
    namespace: options.namespace,
    port: options.port,
    token: kept.token,
    tokenHint: `open the URL that "kontinue ui" (or "kontinue dev") printed; the token is in its ?token=, and ${where}`,
  });
}
