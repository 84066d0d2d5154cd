// Finds the cluster a command talks to, as kubectl does (client's resolveCluster), and says which one on
// stderr when it was not named by a flag (or with --verbose).
import { type ResolvedCluster, resolveCluster } from "../client/index.ts";
import type { KubeOptions } from "./kube-flags.ts";

export interface ConnectOptions {
  /** Where the "talking to" line goes (default process.stderr). */
  stderr?: { write(text: string): unknown };
  cwd?: string;
}

/** Resolves the cluster from the connection flags; prints `talking to …` unless --kubeconfig/--context named it. */
export function connect(flags: KubeOptions, options: ConnectOptions = {}): ResolvedCluster {
  const cluster = resolveCluster({
    ...(flags.kubeconfig === undefined ? {} : { kubeconfig: flags.kubeconfig }),
    ...(flags.context === undefined ? {} : { context: flags.context }),
    ...(flags.namespace === undefined ? {} : { namespace: flags.namespace }),
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
  });
  const named = flags.kubeconfig !== undefined || flags.context !== undefined;
  if (flags.verbose === true || !named)
    (options.stderr ?? process.stderr).write(`talking to ${cluster.description}, namespace "${cluster.namespace}"\n`);
  return cluster;
}
