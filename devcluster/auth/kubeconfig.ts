// The kubeconfig devcluster writes for its clients (and its Pods): cluster `kontinue-dev`, CA, bearer token, namespace.
import { renameSync, writeFileSync } from "node:fs";
import { stringify } from "yaml";

export interface KubeconfigOptions {
  server: string;
  caCertificate: string;
  token: string;
  /** The context's namespace; default `default`. */
  namespace?: string;
}

const clusterName = "kontinue-dev";

function renderKubeconfig(options: KubeconfigOptions): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: clusterName,
        cluster: {
          server: options.server,
          "certificate-authority-data": Buffer.from(options.caCertificate).toString("base64"),
        },
      },
    ],
    users: [{ name: clusterName, user: { token: options.token } }],
    contexts: [
      {
        name: clusterName,
        context: { cluster: clusterName, user: clusterName, namespace: options.namespace ?? "default" },
      },
    ],
    "current-context": clusterName,
    preferences: {},
  });
}

/** Writes the kubeconfig atomically (a reader never sees half a file). */
export function writeKubeconfig(path: string, options: KubeconfigOptions): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, renderKubeconfig(options), { mode: 0o600 });
  renameSync(temporary, path);
}
