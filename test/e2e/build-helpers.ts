// Shared setup of the builder's end-to-end tests: a private copy of the fixture Functions, a fresh
// build cache, and a build against the loopback registry with the node base image.
import { cp, rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  BuildCache,
  buildFunctions,
  parsePushTarget,
  RegistryClient,
  RegistryPublisher,
  type BuildFunctionsOptions,
  type BuiltFunction,
  type ImagePublisher,
  type RegistryPublisherOptions,
} from "../../builder/index.ts";
import { nodeBaseImage } from "../fixtures/node-base-image.ts";
import { temporaryDir } from "../fixtures/temporary-dirs.ts";

export const fixtureFunctions = fileURLToPath(new URL("../../builder/testdata/functions", import.meta.url));

/** A temporary folder holding a copy of builder/testdata/functions (without its test file). */
export async function copyFunctions(): Promise<string> {
  const dir = await temporaryDir("e2e-functions");
  await cp(fixtureFunctions, dir, { recursive: true });
  await rm(join(dir, "hello.test.ts"), { force: true });
  return dir;
}

/** A repository prefix no other test run uses. */
export function uniquePrefix(name: string): string {
  return `e2e-${name}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}

export interface E2eBuild {
  built: BuiltFunction[];
  publisher: RegistryPublisher | undefined;
}

/** Builds `dir` on the node base image; pushes to `registry/prefix` unless `push` is "dry-run". */
export async function e2eBuild(options: {
  dir: string;
  registry: string;
  prefix: string;
  cacheDir: string;
  push?: "push" | "dry-run";
  publishers?: ImagePublisher[];
  base?: string;
  registryClient?: BuildFunctionsOptions["registryClient"];
  platforms?: string[];
  /** Passed to the RegistryPublisher (tag, blob locations, progress). */
  publisherOptions?: Pick<RegistryPublisherOptions, "tag" | "locations" | "progress">;
}): Promise<E2eBuild> {
  const base = options.base ?? (await nodeBaseImage()).reference;
  const target = parsePushTarget(`${options.registry}/${options.prefix}`);
  const client =
    options.registryClient?.(target.registry) ?? new RegistryClient({ registry: target.registry, insecure: true });
  const publisher =
    options.push === "dry-run" ? undefined : new RegistryPublisher({ client, target, ...options.publisherOptions });
  const built = await buildFunctions({
    dir: options.dir,
    base,
    target,
    insecureRegistry: true,
    cache: new BuildCache({ dir: options.cacheDir }),
    publishers: [...(publisher ? [publisher] : []), ...(options.publishers ?? [])],
    registryClient: options.registryClient,
    platforms: options.platforms,
  });
  return { built, publisher };
}
