// The cluster `kontinue deploy` talks to, as kubectl picks it (--kubeconfig, KUBECONFIG, ~/.kube/config,
// --context), else the project's devcluster (`.kontinue/cluster/kubeconfig` here or in a parent folder).
// The one place deploy resolves its cluster: it becomes client/'s resolveCluster() once that lands.
import type { KubeConfig } from "@kubernetes/client-node";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { KontinueError } from "../runtime/index.ts";
import { connect } from "./connect.ts";

export interface DeployClusterOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  /** Where the search for the project's devcluster starts (default the working folder). */
  cwd?: string;
}

export interface DeployCluster {
  kubeConfig: KubeConfig;
  namespace: string;
  /** For "deploying to …" lines. */
  description: string;
  /** devcluster writes its kubeconfig with cluster `kontinue-dev`. */
  devcluster: boolean;
}

/** The devcluster kubeconfig of the project around `cwd`, if any. */
export function projectDevClusterKubeconfig(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const candidate = join(dir, ".kontinue", "cluster", "kubeconfig");
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

export function deployCluster(options: DeployClusterOptions): DeployCluster {
  const configured = options.kubeconfig ?? (process.env.KUBECONFIG || undefined) ?? defaultKubeconfig();
  const file = configured ?? projectDevClusterKubeconfig(options.cwd ?? process.cwd());
  if (file === undefined) {
    throw new KontinueError(
      "CLI_NO_CLUSTER",
      "no cluster to deploy to: no --kubeconfig, KUBECONFIG or ~/.kube/config, and no devcluster in this project; " +
        'start one with "kontinue dev" (or "kontinue cluster serve --data .kontinue/cluster") and deploy again',
      { terminal: true },
    );
  }
  // KUBECONFIG may list several files: client-node's default loading merges them as kubectl does.
  const { kubeConfig } = connect(
    options.kubeconfig !== undefined || configured === undefined ? { kubeconfig: file } : {},
  );
  if (options.context !== undefined) {
    if (kubeConfig.getContextObject(options.context) === null) {
      const known = kubeConfig.getContexts().map((context) => `"${context.name}"`);
      throw new KontinueError(
        "CLI_NO_CONTEXT",
        `the kubeconfig "${file}" has no context "${options.context}"; its contexts are ${known.join(", ") || "none"}`,
        { terminal: true },
      );
    }
    kubeConfig.setCurrentContext(options.context);
  }
  const context = kubeConfig.getCurrentContext();
  const namespace = options.namespace ?? kubeConfig.getContextObject(context)?.namespace ?? "default";
  const devcluster = kubeConfig.getCurrentCluster()?.name === "kontinue-dev";
  const description = configured
    ? `context "${context}" (${file})`
    : `the devcluster of this project (${dirname(file)})`;
  return { kubeConfig, namespace, description, devcluster };
}

function defaultKubeconfig(): string | undefined {
  const file = join(homedir(), ".kube", "config");
  return existsSync(file) ? file : undefined;
}
