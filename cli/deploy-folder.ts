// The path from a folder to Ready Functions, shared by `kontinue deploy` and `kontinue dev`: build and push every
// image (the registry skips what it has), server-side apply the Functions whose spec changed, wait until each is Ready.
import { discoverFunctions, functionManifest, type BuildCache, type BuiltFunction } from "../builder/index.ts";
import type { FunctionResource } from "../crds/index.ts";
import type { KubeHttp, ResourceClient } from "../runtime/index.ts";
import { applyFunction, deployedFunction, isUnchanged } from "./deploy-apply.ts";
import { buildForDeploy } from "./deploy-build.ts";
import type { DeployProgress } from "./deploy-progress.ts";
import { waitUntilReady, type Readiness } from "./deploy-wait.ts";

export interface DeployFolderOptions {
  dir: string;
  http: KubeHttp;
  functions: ResourceClient<FunctionResource>;
  namespace: string;
  /** `host[:port]/prefix`. */
  registry: string;
  base?: string;
  platforms?: readonly string[];
  insecureRegistry: boolean;
  cache?: BuildCache;
  progress: DeployProgress;
  /** The Functions in the namespace now (to skip the unchanged ones). */
  existing: readonly FunctionResource[];
  timeoutMs: number;
  now?: () => number;
  /** Adjusts each manifest before it is applied (dev keeps a worker up). */
  shape?: (manifest: FunctionResource) => FunctionResource;
  /** The images of this deploy, already being built by buildFolder (dev starts that while its cluster starts). */
  built?: Promise<BuiltFunction[]>;
}

export type BuildFolderOptions = Pick<
  DeployFolderOptions,
  "dir" | "registry" | "base" | "platforms" | "insecureRegistry" | "cache" | "progress" | "existing"
>;

export interface DeployedFolder {
  /** resource name → whether it was applied or already as wanted. */
  functions: Map<string, "applied" | "unchanged">;
  /** resource name → its readiness when the wait ended. */
  readiness: Map<string, Readiness>;
  built: BuiltFunction[];
}

/** Builds and pushes every image of the folder; one a Function of `existing` runs Ready is not pushed again. */
export async function buildFolder(options: BuildFolderOptions): Promise<BuiltFunction[]> {
  for (const source of await discoverFunctions(options.dir)) options.progress.update(source.functionName, "building");
  return buildForDeploy({
    dir: options.dir,
    registry: options.registry,
    ...(options.base !== undefined ? { base: options.base } : {}),
    ...(options.platforms !== undefined ? { platforms: options.platforms } : {}),
    insecureRegistry: options.insecureRegistry,
    mode: "push",
    progress: options.progress,
    deployed: options.existing,
    ...(options.cache ? { cache: options.cache } : {}),
  });
}

export async function deployFolder(options: DeployFolderOptions): Promise<DeployedFolder> {
  const { progress, namespace } = options;
  const built = await (options.built ?? buildFolder(options));
  const current = new Map(options.existing.map((fn) => [fn.metadata.name ?? "", fn]));
  const generations = new Map<string, number>();
  const functions = new Map<string, "applied" | "unchanged">();
  const nameOf = new Map(built.map((b) => [b.source.resourceName, b.source.functionName]));
  await Promise.all(
    built.map(async (b) => {
      const manifest = manifestOf(b, namespace);
      const desired = deployedFunction(options.shape ? options.shape(manifest) : manifest, namespace);
      const before = current.get(b.source.resourceName);
      progress.setRevision(b.source.functionName, revisionOf(b));
      if (isUnchanged(before, desired)) {
        progress.update(b.source.functionName, "unchanged");
        functions.set(b.source.resourceName, "unchanged");
        generations.set(b.source.resourceName, before?.metadata.generation ?? 0);
        return;
      }
      progress.update(b.source.functionName, "applying");
      const applied = await applyFunction(options.http, options.functions, desired);
      functions.set(b.source.resourceName, "applied");
      generations.set(b.source.resourceName, applied.metadata.generation ?? 0);
      progress.update(b.source.functionName, "waiting");
    }),
  );
  const readiness = await waitUntilReady({
    functions: options.functions,
    namespace,
    generations,
    timeoutMs: options.timeoutMs,
    ...(options.now ? { now: options.now } : {}),
    onChange: (name, state) => {
      const functionName = nameOf.get(name) ?? name;
      if (state.state === "ready") progress.update(functionName, "ready");
      else if (state.state === "failed") progress.update(functionName, "failed", `${state.reason}: ${state.message}`);
      else if (progress.stage(functionName) !== "unchanged") progress.update(functionName, "waiting", state.message);
    },
  });
  for (const [name, state] of readiness) {
    if (state.state === "waiting") progress.update(nameOf.get(name) ?? name, "timed-out", state.message);
  }
  return { functions, readiness, built };
}

/** The Function manifest of a built image, in `namespace` when one is given. */
export function manifestOf(built: BuiltFunction, namespace: string | undefined): FunctionResource {
  const manifest = functionManifest({
    functionName: built.source.functionName,
    resourceName: built.source.resourceName,
    image: built.reference,
    settings: built.settings,
  });
  return namespace === undefined ? manifest : { ...manifest, metadata: { ...manifest.metadata, namespace } };
}

/** The first 16 hex digits of the image digest, as the controller names revisions. */
function revisionOf(built: BuiltFunction): string {
  return built.image.root.descriptor.digest.slice("sha256:".length, "sha256:".length + 16);
}
