// The build stage of `kontinue deploy`: every Function of the folder bundled (cached), assembled on the base and,
// unless it is a dry run, pushed to the registry (an image the registry has already is not sent again).
import { join } from "node:path";
import {
  BlobLocations,
  BuildCache,
  DEFAULT_JOBS,
  RegistryClient,
  RegistryPublisher,
  buildFunctions,
  isLoopbackRegistry,
  limitConcurrency,
  parsePushTarget,
  registryDispatcher,
  type BuiltFunction,
  type ImagePublisher,
  type PushProgress,
} from "../builder/index.ts";
import type { FunctionResource } from "../crds/index.ts";
import { DeployedImagePublisher } from "./deployed-image-publisher.ts";

export interface DeployBuildOptions {
  dir: string;
  /** `host[:port]/prefix`. */
  registry: string;
  base?: string;
  platforms?: readonly string[];
  /** Plain HTTP for the target registry (loopback registries always are, as devcluster's node pulls them). */
  insecureRegistry: boolean;
  /** "push" sends the images; "dry-run" only builds them, to print their digests. */
  mode: "push" | "dry-run";
  progress?: PushProgress;
  /** The Functions in the namespace now: an image one of them runs Ready is not pushed again. */
  deployed?: readonly FunctionResource[];
  /** Default: the user's build cache. */
  cache?: BuildCache;
}

export async function buildForDeploy(options: DeployBuildOptions): Promise<BuiltFunction[]> {
  const target = parsePushTarget(options.registry);
  const cache = options.cache ?? new BuildCache();
  const dispatcher = registryDispatcher();
  const limit = limitConcurrency(DEFAULT_JOBS);
  const clients = new Map<string, RegistryClient>();
  const registryClient = (registry: string): RegistryClient => {
    let client = clients.get(registry);
    if (!client) {
      const insecure = isLoopbackRegistry(registry) || (options.insecureRegistry && registry === target.registry);
      client = new RegistryClient({ registry, insecure, dispatcher, limit });
      clients.set(registry, client);
    }
    return client;
  };
  const publishers: ImagePublisher[] = [];
  if (options.mode === "push") {
    const registryPublisher = new RegistryPublisher({
      client: registryClient(target.registry),
      target,
      locations: await BlobLocations.load(join(cache.dir, "blob-locations.json")),
      ...(options.progress ? { progress: options.progress } : {}),
    });
    publishers.push(
      options.deployed
        ? new DeployedImagePublisher({ publisher: registryPublisher, target, deployed: options.deployed })
        : registryPublisher,
    );
  }
  return buildFunctions({
    dir: options.dir,
    ...(options.base !== undefined ? { base: options.base } : {}),
    ...(options.platforms !== undefined ? { platforms: options.platforms } : {}),
    target,
    publishers,
    cache,
    registryClient,
  });
}
