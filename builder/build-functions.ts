// `kontinue build` as a library: discover → bundle (cached, parallel) → layer → assemble on the base
// image → publish through each publisher, while the options are read in a child process. Nothing is
// published before every Function has bundled, and no manifest is written before every Function's
// options were read (blobs without a manifest reference nothing).
import { createRequire } from "node:module";
import { resolve } from "node:path";
import type { Dispatcher } from "undici";
import { fetchBaseImage, type BaseImage } from "./base-image.ts";
import { inspectBaseNode } from "./base-node.ts";
import { BuildCache } from "./build-cache.ts";
import { BuildError } from "./build-error.ts";
import { bundleFunction, functionLayerEntries } from "./bundle-function.ts";
import { discoverFunctions, type FunctionSource } from "./discover-functions.ts";
import { assembleFunctionImage, type FunctionImage } from "./function-image.ts";
import { formatImageReference, functionRepository, parseImageReference, type PushTarget } from "./image-reference.ts";
import type { ImagePublisher, PublishedImage } from "./image-publisher.ts";
import { createLayer, sourceDateEpoch, type Layer } from "./layer.ts";
import { readFunctionOptions, type FunctionSettings } from "./read-function-options.ts";
import { RegistryClient } from "./registry-client.ts";
import { registryDispatcher } from "./registry-dispatcher.ts";
import { loadRuntimeBundle, runtimeLayerEntries, RUNTIME_ENTRY, RUNTIME_NODE_MAJOR } from "./runtime-bundle.ts";
import { MEDIA_TYPES } from "./oci-types.ts";
import { createBlob, sha256Digest } from "./blob.ts";

/** Node 24 (Active LTS) on Debian 12 slim: official, multi-arch, glibc, `node` on PATH, patched weekly. */
export const DEFAULT_BASE_IMAGE = "docker.io/library/node:24-bookworm-slim";

/** Bumped when bundling or layering changes, so old cache entries are not reused. */
const CACHE_FORMAT = "kontinue-build-3";

const PACKAGE = createRequire(import.meta.url)("../package.json") as { version: string; engines: { node: string } };
const KONTINUE_VERSION = PACKAGE.version;
/** Read from esbuild's package.json: importing esbuild to learn it would cost a no-change build ~0.2 s of start-up. */
const esbuildVersion = (createRequire(import.meta.url)("esbuild/package.json") as { version: string }).version;
/** What besides its input files decides a bundle: the tools' versions, the target Node, the timestamp. */
export interface BundleKeyParts {
  kontinueVersion: string;
  esbuildVersion: string;
  nodeMajor: number;
  mtime: number;
}

/** The cache key of a bundle of `subject` ("runtime", or "function|<file>"). */
export function bundleCacheKey(subject: string, parts: BundleKeyParts): string {
  return [
    CACHE_FORMAT,
    `kontinue-${parts.kontinueVersion}`,
    `esbuild-${parts.esbuildVersion}`,
    `node${parts.nodeMajor}`,
    parts.mtime,
    subject,
  ].join("|");
}

/** The runtime's minimum Node ("20.18" from engines ">=20.18"). */
const MINIMUM_NODE = /(\d+(?:\.\d+)*)/.exec(PACKAGE.engines.node)?.[1] ?? "20";

export interface BuildFunctionsOptions {
  /** Folder of Function files. */
  dir: string;
  /** Base image reference (default DEFAULT_BASE_IMAGE). */
  base?: string;
  /** Platforms to build ("linux/amd64"); default every platform of the base. */
  platforms?: readonly string[];
  /** Where images are named (and pushed by a RegistryPublisher). */
  target: PushTarget;
  /** Plain HTTP for the target registry and loopback registries. */
  insecureRegistry?: boolean;
  /** Backends to publish to; none = dry run. */
  publishers?: readonly ImagePublisher[];
  /** Default: the user cache folder. */
  cache?: BuildCache;
  /** `created` and file mtimes (default SOURCE_DATE_EPOCH or 0). */
  sourceDateEpoch?: number;
  /** HTTP transport for registries (default: registryDispatcher(), which honours HTTPS_PROXY/NO_PROXY). */
  dispatcher?: Dispatcher;
  /** Makes the client of one registry (default: RegistryClient with Docker config credentials). */
  registryClient?: (registry: string) => RegistryClient;
}

export interface BuiltFunction {
  source: FunctionSource;
  settings: FunctionSettings;
  image: FunctionImage;
  /**
   * The reference for manifests: the first publisher's (see PublishedImage), else
   * `<registry>/<prefix>/<name>@<digest>`.
   */
  reference: string;
  /** One per publisher, in order. */
  published: PublishedImage[];
  /** Compressed size of the Function's own layer. */
  layerSize: number;
}

interface CachedFunction {
  layer: string;
  diffId: string;
  settings: FunctionSettings;
}

interface CachedRuntime {
  layer: string;
  diffId: string;
}

const OPTION_KEYS: ReadonlySet<string> = new Set([
  "dir",
  "base",
  "platforms",
  "target",
  "insecureRegistry",
  "publishers",
  "cache",
  "sourceDateEpoch",
  "dispatcher",
  "registryClient",
] satisfies Array<keyof BuildFunctionsOptions>);

export async function buildFunctions(options: BuildFunctionsOptions): Promise<BuiltFunction[]> {
  const unknown = Object.keys(options).filter((key) => !OPTION_KEYS.has(key));
  if (unknown.length > 0)
    throw new BuildError(
      "BUILD_BAD_OPTIONS",
      `cannot build: unknown option ${unknown.map((k) => `"${k}"`).join(", ")}; see BuildFunctionsOptions`,
    );
  const dir = resolve(options.dir);
  const cache = options.cache ?? new BuildCache();
  const mtime = options.sourceDateEpoch ?? sourceDateEpoch();
  const clients = new Map<string, RegistryClient>();
  const dispatcher = options.dispatcher ?? registryDispatcher();
  const clientFor = (registry: string): RegistryClient => {
    let client = clients.get(registry);
    if (!client) {
      client =
        options.registryClient?.(registry) ??
        new RegistryClient({
          registry,
          insecure:
            options.insecureRegistry === true && (registry === options.target.registry || isLoopbackRegistry(registry)),
          dispatcher,
        });
      clients.set(registry, client);
    }
    return client;
  };
  const baseReference = parseImageReference(options.base ?? DEFAULT_BASE_IMAGE);
  const [sources, fetched] = await Promise.all([
    discoverFunctions(dir),
    fetchBaseImage({
      reference: baseReference,
      client: clientFor(baseReference.registry),
      platforms: options.platforms,
    }),
  ]);
  const base = await withBaseNode(fetched, cache);
  const nodeMajor = Math.min(...base.images.map((i) => Number.parseInt(i.node!.version, 10)));
  const runtime = await runtimeLayer(cache, mtime);
  const functions = await functionLayers(cache, sources, nodeMajor, mtime, runtime);

  const images = sources.map((source) =>
    assembleFunctionImage({
      functionName: source.functionName,
      resourceName: source.resourceName,
      base,
      runtimeLayer: runtime.layer,
      functionLayer: functions.layers.get(source.functionName)!,
      created: mtime,
    }),
  );
  const published: PublishedImage[][] = sources.map(() => []);
  for (const publisher of options.publishers ?? []) {
    const [, results] = await Promise.all([
      functions.settings,
      Promise.all(images.map((image) => publisher.publish(image, functions.settings))),
    ]);
    results.forEach((result, i) => published[i]!.push(result));
    await publisher.finish?.();
  }
  const settings = await functions.settings;
  const built = sources.map((source, i): BuiltFunction => {
    const image = images[i]!;
    return {
      source,
      settings: settings.get(source.functionName)!,
      image,
      reference:
        published[i]![0]?.reference ??
        `${options.target.registry}/${functionRepository(options.target, source.resourceName)}` +
          `@${image.root.descriptor.digest}`,
      published: published[i]!,
      layerSize: functions.layers.get(source.functionName)!.blob.descriptor.size,
    };
  });
  return built;
}

/** The base with each platform's Node located and checked (a base that cannot run the runtime fails here). */
async function withBaseNode(base: BaseImage, cache: BuildCache): Promise<BaseImage> {
  const images = [];
  for (const image of base.images) {
    const node = await inspectBaseNode({
      image,
      openLayer: (digest) => base.client.openBlob(base.reference.repository, digest),
      baseName: formatImageReference(base.reference),
      minimum: MINIMUM_NODE,
      cache,
    });
    images.push({ ...image, node });
  }
  return { ...base, images };
}

function layerFromCache(cached: { layer: string; diffId: string }): Layer {
  return { blob: createBlob(Buffer.from(cached.layer, "base64"), MEDIA_TYPES.ociLayerGzip), diffId: cached.diffId };
}

/**
 * The shared runtime layer (one bundle for every base: it targets the runtime's minimum Node), cached by the runtime's
 * inputs; `code` is loaded lazily for the options probe.
 */
async function runtimeLayer(cache: BuildCache, mtime: number): Promise<{ layer: Layer; code: () => Promise<Buffer> }> {
  const key = bundleCacheKey(`runtime|${RUNTIME_ENTRY}`, {
    kontinueVersion: KONTINUE_VERSION,
    esbuildVersion,
    nodeMajor: RUNTIME_NODE_MAJOR,
    mtime,
  });
  const codeKey = `${key}|code`;
  const cached = await cache.load<CachedRuntime>(key);
  if (cached) {
    const code = async () => {
      const stored = await cache.load<{ code: string }>(codeKey);
      return stored ? Buffer.from(stored.code, "base64") : (await loadRuntimeBundle()).code;
    };
    return { layer: layerFromCache(cached), code };
  }
  const bundle = await loadRuntimeBundle();
  const layer = await createLayer(runtimeLayerEntries(bundle, KONTINUE_VERSION), { mtime });
  await cache.store<CachedRuntime>(key, bundle.inputs, {
    layer: layer.blob.data.toString("base64"),
    diffId: layer.diffId,
  });
  await cache.store(codeKey, bundle.inputs, { code: bundle.code.toString("base64") });
  return { layer, code: async () => bundle.code };
}

interface FunctionLayers {
  layers: Map<string, Layer>;
  /** Settings per function; the cache is written once they are known. Rejects on a bad definition. */
  settings: Promise<Map<string, FunctionSettings>>;
}

/**
 * Each Function's layer: cached ones reused, the rest bundled in parallel; their options are read in one child process
 * meanwhile, except for bundles whose code was probed before with this runtime (the options are a product of the two:
 * a save that changes only comments or formatting, or goes back to an earlier version, starts no child).
 */
async function functionLayers(
  cache: BuildCache,
  sources: readonly FunctionSource[],
  nodeMajor: number,
  mtime: number,
  runtime: { layer: Layer; code: () => Promise<Buffer> },
): Promise<FunctionLayers> {
  const parts: BundleKeyParts = { kontinueVersion: KONTINUE_VERSION, esbuildVersion, nodeMajor, mtime };
  const keyOf = (source: FunctionSource) => bundleCacheKey(`function|${source.file}`, parts);
  const settingsKeyOf = (bundle: { code: Buffer }) =>
    bundleCacheKey(`settings|${sha256Digest(bundle.code)}|${runtime.layer.diffId}`, parts);
  const layers = new Map<string, Layer>();
  const known = new Map<string, FunctionSettings>();
  const cached = await Promise.all(sources.map((source) => cache.load<CachedFunction>(keyOf(source))));
  const misses = sources.filter((source, i) => {
    const hit = cached[i];
    if (hit) {
      layers.set(source.functionName, layerFromCache(hit));
      known.set(source.functionName, hit.settings);
    }
    return !hit;
  });
  if (misses.length === 0) return { layers, settings: Promise.resolve(known) };
  const bundles = await Promise.all(
    misses.map(async (source) => ({ source, ...(await bundleFunction({ source, nodeMajor })) })),
  );
  const built = await Promise.all(
    bundles.map(async (bundle) => ({ bundle, layer: await createLayer(functionLayerEntries(bundle), { mtime }) })),
  );
  for (const { bundle, layer } of built) layers.set(bundle.source.functionName, layer);
  const probedBefore = await Promise.all(bundles.map((bundle) => cache.load<FunctionSettings>(settingsKeyOf(bundle))));
  const unprobed = bundles.filter((_, i) => probedBefore[i] === undefined);
  const settings = (async () => {
    const read =
      unprobed.length === 0
        ? new Map<string, FunctionSettings>()
        : await readFunctionOptions({ functions: unprobed, runtimeCode: await runtime.code() });
    await Promise.all(
      built.map(async ({ bundle, layer }, i) => {
        const fnSettings = probedBefore[i] ?? read.get(bundle.source.functionName)!;
        // Keyed by content alone: valid whatever the files, so no inputs to check.
        if (probedBefore[i] === undefined) await cache.store(settingsKeyOf(bundle), {}, fnSettings);
        known.set(bundle.source.functionName, fnSettings);
        await cache.store<CachedFunction>(keyOf(bundle.source), bundle.inputs, {
          layer: layer.blob.data.toString("base64"),
          diffId: layer.diffId,
          settings: fnSettings,
        });
      }),
    );
    return known;
  })();
  settings.catch(() => undefined);
  return { layers, settings };
}

/** localhost, 127.x and [::1]: registries `--insecure-registry` also reaches over plain HTTP. */
export function isLoopbackRegistry(registry: string): boolean {
  const host = registry.replace(/:\d+$/, "");
  return host === "localhost" || host.startsWith("127.") || host === "[::1]";
}
