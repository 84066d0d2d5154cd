// Finds the cluster as kubectl does (--kubeconfig, KUBECONFIG, ~/.kube/config, --context), else the
// devcluster of the current project (`.kontinue/cluster/kubeconfig` here or in a parent directory).
import { KubeConfig } from "@kubernetes/client-node";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { KontinueError } from "../runtime/client-entry.ts";

export interface ClusterOptions {
  /** A kubeconfig file (kubectl's --kubeconfig); relative to `cwd`. */
  kubeconfig?: string;
  /** A context of the kubeconfig instead of its current-context. */
  context?: string;
  /** Default: the context's namespace, then "default". */
  namespace?: string;
  /** Where the project's devcluster is looked for (default process.cwd()). */
  cwd?: string;
  /** Default process.env (read for KUBECONFIG). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Default os.homedir() (for ~/.kube/config). */
  home?: string;
}

export type ClusterSource = "flag" | "env" | "default" | "devcluster";

export interface ResolvedCluster {
  kubeConfig: KubeConfig;
  namespace: string;
  /** Where it came from, e.g. `context "kind-dev" (~/.kube/config)` or `the devcluster of this project (…)`. */
  description: string;
  source: ClusterSource;
}

/** The project's devcluster data folder, relative to a project directory. */
export const DEVCLUSTER_DATA_DIR = join(".kontinue", "cluster");

export class ClusterConfigError extends KontinueError {
  constructor(
    code: "CLIENT_NO_CLUSTER" | "CLIENT_KUBECONFIG" | "CLIENT_UNKNOWN_CONTEXT",
    message: string,
    cause?: unknown,
  ) {
    super(code, message, { cause, terminal: true });
    this.name = "ClusterConfigError";
  }
}

/** Finds the cluster a command talks to; throws CLIENT_NO_CLUSTER (saying how to start one) when there is none. */
export function resolveCluster(options: ClusterOptions = {}): ResolvedCluster {
  const cwd = resolve(options.cwd ?? process.cwd());
  const env = options.env ?? process.env;
  const home = options.home ?? homedir();
  const found = kubeconfigFiles(options, cwd, env, home);
  const kubeConfig = loadMerged(found.files);
  if (options.context !== undefined) {
    const names = kubeConfig.getContexts().map((context) => context.name);
    if (!names.includes(options.context))
      throw new ClusterConfigError(
        "CLIENT_UNKNOWN_CONTEXT",
        `the context "${options.context}" is not in ${found.where}; it has ` +
          `${names.length === 0 ? "no contexts" : names.map((name) => `"${name}"`).join(", ")}`,
      );
    kubeConfig.setCurrentContext(options.context);
  }
  const contextName = kubeConfig.getCurrentContext();
  const context = kubeConfig.getContextObject(contextName);
  if (!contextName || context === null || kubeConfig.getCurrentCluster() === null)
    throw new ClusterConfigError(
      "CLIENT_KUBECONFIG",
      `${found.where} has no current context with a cluster; pick one with --context or ` +
        `"kubectl config use-context <name>"`,
    );
  return {
    kubeConfig,
    namespace: options.namespace ?? context.namespace ?? "default",
    description:
      found.source === "devcluster"
        ? `the devcluster of this project (${dirname(found.files[0]!)})`
        : `context "${contextName}" (${found.where})`,
    source: found.source,
  };
}

interface FoundFiles {
  files: string[];
  source: ClusterSource;
  /** The files for messages, `~` for the home directory. */
  where: string;
}

function kubeconfigFiles(
  options: ClusterOptions,
  cwd: string,
  env: Readonly<Record<string, string | undefined>>,
  home: string,
): FoundFiles {
  const shown = (files: string[]) =>
    files.map((file) => (file.startsWith(`${home}/`) ? `~${file.slice(home.length)}` : file)).join(delimiter);
  if (options.kubeconfig !== undefined) {
    const file = resolve(cwd, options.kubeconfig);
    if (!existsSync(file))
      throw new ClusterConfigError(
        "CLIENT_KUBECONFIG",
        `the kubeconfig "${options.kubeconfig}" (--kubeconfig) does not exist; check the path`,
      );
    return { files: [file], source: "flag", where: shown([file]) };
  }
  // kubectl skips the files of KUBECONFIG that do not exist; with none left, nothing is configured.
  const listed = (env.KUBECONFIG ?? "").split(delimiter).filter((file) => file !== "");
  const fromEnv = listed.map((file) => resolve(cwd, file)).filter((file) => existsSync(file));
  if (fromEnv.length > 0) return { files: fromEnv, source: "env", where: shown(fromEnv) };
  const defaultFile = join(home, ".kube", "config");
  if (existsSync(defaultFile)) return { files: [defaultFile], source: "default", where: shown([defaultFile]) };
  for (let dir = cwd; ; dir = dirname(dir)) {
    const file = join(dir, DEVCLUSTER_DATA_DIR, "kubeconfig");
    if (existsSync(file)) return { files: [file], source: "devcluster", where: file };
    if (dirname(dir) === dir) break;
  }
  const looked =
    listed.length > 0 ? `KUBECONFIG (${listed.join(delimiter)}: no such files), ~/.kube/config` : "~/.kube/config";
  throw new ClusterConfigError(
    "CLIENT_NO_CLUSTER",
    `no cluster is configured: no --kubeconfig, ${looked} does not exist, and there is no ` +
      `${join(DEVCLUSTER_DATA_DIR, "kubeconfig")} in "${cwd}" or a parent; start the embedded cluster here with ` +
      `"kontinue dev" (or "kontinue cluster serve --data ${DEVCLUSTER_DATA_DIR}"), or point KUBECONFIG at a cluster`,
  );
}

/** kubectl's merge of kubeconfig files: the first file to name a cluster, user, context or current-context wins. */
function loadMerged(files: readonly string[]): KubeConfig {
  const merged = new KubeConfig();
  const clusters = new Map<string, KubeConfig["clusters"][number]>();
  const users = new Map<string, KubeConfig["users"][number]>();
  const contexts = new Map<string, KubeConfig["contexts"][number]>();
  let currentContext = "";
  for (const file of files) {
    const one = new KubeConfig();
    try {
      one.loadFromFile(file);
    } catch (cause) {
      throw new ClusterConfigError(
        "CLIENT_KUBECONFIG",
        `cannot read the kubeconfig "${file}": ${cause instanceof Error ? cause.message : String(cause)}`,
        cause,
      );
    }
    for (const cluster of one.getClusters()) if (!clusters.has(cluster.name)) clusters.set(cluster.name, cluster);
    for (const user of one.getUsers()) if (!users.has(user.name)) users.set(user.name, user);
    for (const context of one.getContexts()) if (!contexts.has(context.name)) contexts.set(context.name, context);
    if (currentContext === "") currentContext = one.getCurrentContext() ?? "";
  }
  merged.loadFromOptions({
    clusters: [...clusters.values()],
    users: [...users.values()],
    contexts: [...contexts.values()],
    currentContext,
  });
  return merged;
}
