// `kontinue deploy <dir>` as a library: discover → bundle → build → push (skipping unchanged) → server-side apply the
// Functions → wait until each is Ready; --prune deletes this tool's Functions that left the folder.
import { discoverFunctions, type BuildCache } from "../builder/index.ts";
import { MANAGED_BY, MANAGED_BY_LABEL } from "../crds/index.ts";
import { KontinueError, createKubeHttp, kontinueResources } from "../runtime/index.ts";
import { buildForDeploy } from "./deploy-build.ts";
import { deployCluster } from "./deploy-cluster.ts";
import { deployFolder, manifestOf } from "./deploy-folder.ts";
import { deployPreflight } from "./deploy-preflight.ts";
import { DeployProgress } from "./deploy-progress.ts";

export interface DeployOptions {
  registry?: string;
  base?: string;
  platform?: string;
  context?: string;
  namespace?: string;
  kubeconfig?: string;
  /** Seconds to wait for Ready. */
  timeout: number;
  dryRun?: boolean;
  prune?: boolean;
  yes?: boolean;
  insecureRegistry?: boolean;
}

/** What deploy reads and writes besides the cluster and the registry (the CLI passes the process's). */
export interface DeployIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** stderr is a terminal: live display, and --prune may ask. */
  interactive: boolean;
  /** Asks a yes/no question on the terminal. */
  confirm: (question: string) => Promise<boolean>;
  now?: () => number;
  cache?: BuildCache;
  cwd?: string;
}

export interface DeployOutcome {
  /** resource name → what happened to it. */
  functions: Map<string, "applied" | "unchanged">;
  pruned: string[];
}

export async function runDeploy(dir: string, options: DeployOptions, io: DeployIo): Promise<DeployOutcome> {
  const sources = await discoverFunctions(dir);
  const platforms = options.platform
    ?.split(",")
    .map((platform) => platform.trim())
    .filter(Boolean);
  const build = { dir, base: options.base, platforms, insecureRegistry: options.insecureRegistry === true };
  if (options.dryRun) {
    const built = await buildForDeploy({
      ...build,
      registry: options.registry ?? "kontinue.local",
      mode: "dry-run",
      ...(io.cache ? { cache: io.cache } : {}),
    });
    const manifests = built.map((b) => manifestOf(b, options.namespace));
    const { stringify } = await import("yaml");
    io.stdout(manifests.map((manifest) => stringify(manifest)).join("---\n"));
    return { functions: new Map(), pruned: [] };
  }

  const cluster = deployCluster({ ...options, ...(io.cwd ? { cwd: io.cwd } : {}) });
  const { namespace } = cluster;
  const registry = options.registry ?? (process.env.KONTINUE_REGISTRY || undefined);
  if (registry === undefined) throw noRegistry(cluster.description, cluster.devcluster);
  const http = createKubeHttp(cluster.kubeConfig);
  const { functions } = kontinueResources(http);
  const existing = await deployPreflight({
    http,
    functions,
    namespace,
    clusterDescription: cluster.description,
    verbs: options.prune ? ["patch", "delete"] : ["patch"],
  });
  const wanted = new Set(sources.map((source) => source.resourceName));
  const prunable = existing
    .filter((fn) => fn.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY && !wanted.has(fn.metadata.name ?? ""))
    .map((fn) => fn.metadata.name ?? "");
  if (options.prune && prunable.length > 0 && !options.yes) {
    const list = prunable.map((name) => `"${name}"`).join(", ");
    if (!io.interactive) {
      throw new KontinueError(
        "DEPLOY_PRUNE_UNCONFIRMED",
        `--prune would delete ${list} from namespace "${namespace}"; not a terminal to ask: pass --yes to confirm`,
        { terminal: true },
      );
    }
    if (!(await io.confirm(`delete ${list} from namespace "${namespace}" (no longer in "${dir}")? [y/N] `))) {
      throw new KontinueError("DEPLOY_PRUNE_DECLINED", "nothing deployed: the prune was declined", { terminal: true });
    }
  }

  io.stderr(
    `deploying ${sources.length} Functions from "${dir}" to ${cluster.description}, namespace "${namespace}"\n`,
  );
  const progress = new DeployProgress({
    write: io.stderr,
    interactive: io.interactive,
    ...(io.now ? { now: io.now } : {}),
  });
  const deployed = await deployFolder({
    ...build,
    http,
    functions,
    namespace,
    registry,
    progress,
    existing,
    timeoutMs: options.timeout * 1000,
    ...(io.cache ? { cache: io.cache } : {}),
    ...(io.now ? { now: io.now } : {}),
  });
  const outcome: DeployOutcome = { functions: deployed.functions, pruned: [] };
  if (options.prune) {
    for (const name of prunable) {
      await functions.delete(namespace, name);
      progress.update(name, "pruned");
      outcome.pruned.push(name);
    }
  }
  const readiness = deployed.readiness;
  io.stdout(progress.table());
  const unready = [...readiness].filter(([, state]) => state.state !== "ready").map(([name]) => `"${name}"`);
  if (unready.length > 0) {
    throw new KontinueError(
      "DEPLOY_NOT_READY",
      `${unready.join(", ")} did not become Ready in namespace "${namespace}" (see the table above); look with ` +
        `"kubectl describe function <name> -n ${namespace}"`,
      { terminal: true },
    );
  }
  return outcome;
}

function noRegistry(cluster: string, devcluster: boolean): KontinueError {
  const where = devcluster
    ? "devcluster's node pulls Function images from a registry too (a loopback one is reached over plain HTTP, e.g. " +
      '"docker run -d -p 5000:5000 registry:2" and --registry 127.0.0.1:5000/fns)'
    : "the cluster's nodes pull Function images from it, e.g. --registry ghcr.io/acme/fns";
  return new KontinueError(
    "DEPLOY_NO_REGISTRY",
    `cannot deploy to ${cluster}: no registry to push images to; pass --registry <host[:port]/prefix> or set ` +
      `KONTINUE_REGISTRY: ${where}`,
    { terminal: true },
  );
}
