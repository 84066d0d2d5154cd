// The cluster `kontinue deploy` talks to: client's resolveCluster (kubectl's order, else the project's devcluster),
// plus whether it is a devcluster (whose kubeconfig names its cluster `kontinue-dev`), which picks the registry advice.
import type { ResolvedCluster } from "../client/index.ts";
import { connect } from "./connect.ts";

export interface DeployClusterOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  /** Where the search for the project's devcluster starts (default the working folder). */
  cwd?: string;
}

export interface DeployCluster extends ResolvedCluster {
  devcluster: boolean;
}

export function deployCluster(options: DeployClusterOptions): DeployCluster {
  const { cwd, ...flags } = options;
  const cluster = connect(flags, cwd === undefined ? {} : { cwd });
  return { ...cluster, devcluster: cluster.kubeConfig.getCurrentCluster()?.name === "kontinue-dev" };
}
