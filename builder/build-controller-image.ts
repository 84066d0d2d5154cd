// The controller's image for `kontinue install`, built as Function images are (ko-style, no Docker): one esbuild
// bundle of an entry that runs `kontinue controller`, in one layer on a Node base image, pushed with the registry
// client. The caller names the entry (cli/ owns it), so the builder knows nothing of the controller.
import type { build } from "esbuild";
import { basename, dirname } from "node:path";
import type { Dispatcher } from "undici";
import { fetchBaseImage, type BaseImage } from "./base-image.ts";
import { inspectBaseNode } from "./base-node.ts";
import { jsonBlob } from "./blob.ts";
import { BuildCache } from "./build-cache.ts";
import { BuildError } from "./build-error.ts";
import { DEFAULT_BASE_IMAGE, isLoopbackRegistry } from "./build-functions.ts";
import { imageRoot, type FunctionImage, type PlatformImage } from "./function-image.ts";
import { formatImageReference, parseImageReference, type PushTarget } from "./image-reference.ts";
import { createLayer, sourceDateEpoch, type Layer } from "./layer.ts";
import { nodeBundleOptions } from "./node-bundle-options.ts";
import { MEDIA_TYPES, type ImageConfig, type ImageManifest } from "./oci-types.ts";
import { RegistryClient } from "./registry-client.ts";
import { registryDispatcher } from "./registry-dispatcher.ts";
import { RegistryPublisher, type PushStats } from "./registry-publisher.ts";

/** The repository under the target's prefix, and the name in labels. */
export const CONTROLLER_IMAGE_NAME = "controller";
/** The bundle in the image (its source map beside it). */
const BUNDLE = "app/kontinue.mjs";

export interface BuildControllerImageOptions {
  /** The entry file to bundle (it runs the controller command with the container's arguments). */
  entry: string;
  /** Pushed to `<registry>/<prefix>/controller`. */
  target: PushTarget;
  /** Base image with Node (default DEFAULT_BASE_IMAGE). */
  base?: string;
  /** Default every platform of the base among linux/amd64 and linux/arm64, as for Functions. */
  platforms?: readonly string[];
  /** Plain HTTP for the target registry and loopback registries. */
  insecureRegistry?: boolean;
  /** The runtime's minimum Node version the base must have (default "20.18"). */
  minimumNode?: string;
  /** Where the base's Node location is remembered (default the user cache folder). */
  cache?: BuildCache;
  /** Default: registryDispatcher() (honours HTTPS_PROXY/NO_PROXY). */
  dispatcher?: Dispatcher;
  /** Makes the client of one registry (default: RegistryClient with Docker config credentials). */
  registryClient?: (registry: string) => RegistryClient;
}

export interface ControllerImage {
  /** `<registry>/<prefix>/controller@sha256:…` */
  reference: string;
  digest: string;
  /** What the push sent (nothing when the registry had the image). */
  stats: PushStats;
}

export async function buildControllerImage(options: BuildControllerImageOptions): Promise<ControllerImage> {
  const dispatcher = options.dispatcher ?? registryDispatcher();
  const clients = new Map<string, RegistryClient>();
  const clientFor = (registry: string): RegistryClient => {
    let client = clients.get(registry);
    if (client === undefined) {
      const insecure =
        options.insecureRegistry === true && (registry === options.target.registry || isLoopbackRegistry(registry));
      client = options.registryClient?.(registry) ?? new RegistryClient({ registry, insecure, dispatcher });
      clients.set(registry, client);
    }
    return client;
  };
  const baseReference = parseImageReference(options.base ?? DEFAULT_BASE_IMAGE);
  const cache = options.cache ?? new BuildCache();
  const fetched = await fetchBaseImage({
    reference: baseReference,
    client: clientFor(baseReference.registry),
    platforms: options.platforms,
  });
  const base: BaseImage = {
    ...fetched,
    images: await Promise.all(
      fetched.images.map(async (image) => ({
        ...image,
        node: await inspectBaseNode({
          image,
          openLayer: (digest) => fetched.client.openBlob(fetched.reference.repository, digest),
          baseName: formatImageReference(fetched.reference),
          minimum: options.minimumNode ?? "20.18",
          cache,
        }),
      })),
    ),
  };
  const nodeMajor = Math.min(...base.images.map((image) => Number.parseInt(image.node!.version, 10)));
  const mtime = sourceDateEpoch();
  const layer = await bundleLayer(options.entry, nodeMajor, mtime);
  const image = assembleControllerImage(base, layer, mtime);
  const publisher = new RegistryPublisher({ client: clientFor(options.target.registry), target: options.target });
  const published = await publisher.publish(image);
  return { reference: published.reference, digest: published.digest, stats: publisher.stats };
}

async function bundleLayer(entry: string, nodeMajor: number, mtime: number): Promise<Layer> {
  const esbuild = await import("esbuild");
  let result: Awaited<ReturnType<typeof build<ReturnType<typeof nodeBundleOptions>>>>;
  try {
    result = await esbuild.build({
      entryPoints: [entry],
      absWorkingDir: dirname(entry),
      ...nodeBundleOptions(nodeMajor),
      sourcesContent: false,
      outfile: `${dirname(entry)}/${basename(BUNDLE)}`,
    });
  } catch (cause) {
    throw new BuildError(
      "BUILD_BUNDLE_FAILED",
      `cannot bundle the controller from "${entry}": ${(cause as Error).message.split("\n")[0]}; is this kontinue ` +
        "installed completely?",
      { cause, file: entry },
    );
  }
  const output = (suffix: string) =>
    Buffer.from(result.outputFiles.find((file) => file.path.endsWith(suffix))!.contents);
  return createLayer(
    [
      { type: "file", path: BUNDLE, data: output(".mjs") },
      { type: "file", path: `${BUNDLE}.map`, data: output(".mjs.map") },
      { type: "file", path: "app/package.json", data: Buffer.from('{"type":"module"}\n') },
    ],
    { mtime },
  );
}

/** The base's config with the bundle's layer on top, its Node as the entrypoint, run as the non-root user. */
function assembleControllerImage(base: BaseImage, layer: Layer, mtime: number): FunctionImage {
  const created = new Date(mtime * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
  const images = base.images.map(({ platform, manifest, config, node }): PlatformImage => {
    const oci = manifest.mediaType !== MEDIA_TYPES.dockerManifest;
    const imageConfig: ImageConfig = {
      ...config,
      created,
      config: {
        ...config.config,
        User: "65532",
        WorkingDir: "/app",
        Entrypoint: [node?.path ?? "node", "--enable-source-maps", `/${BUNDLE}`],
        Cmd: ["controller", "--all-namespaces", "--leader-elect"],
        Env: [...(config.config.Env ?? []).filter((e) => !e.startsWith("NODE_ENV=")), "NODE_ENV=production"],
        Labels: { ...config.config.Labels, "org.opencontainers.image.title": "kontinue-controller" },
      },
      rootfs: { type: "layers", diff_ids: [...config.rootfs.diff_ids, layer.diffId] },
      history: [...(config.history ?? []), { created, created_by: `kontinue install: controller (/${BUNDLE})` }],
    };
    delete (imageConfig as { container_config?: unknown }).container_config;
    const configBlob = jsonBlob(imageConfig, oci ? MEDIA_TYPES.ociConfig : MEDIA_TYPES.dockerConfig);
    const layers = [
      ...manifest.layers,
      { ...layer.blob.descriptor, mediaType: oci ? MEDIA_TYPES.ociLayerGzip : MEDIA_TYPES.dockerLayerGzip },
    ];
    const manifestType = oci ? MEDIA_TYPES.ociManifest : MEDIA_TYPES.dockerManifest;
    const imageManifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: manifestType,
      config: configBlob.descriptor,
      layers,
    };
    return { platform, manifest: jsonBlob(imageManifest, manifestType), config: configBlob, layers };
  });
  const root = imageRoot(base, images);
  return {
    functionName: CONTROLLER_IMAGE_NAME,
    resourceName: CONTROLLER_IMAGE_NAME,
    root,
    images,
    localBlobs: new Map([[layer.blob.descriptor.digest, layer.blob]]),
    base,
  };
}
