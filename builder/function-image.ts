// Assembles a Function's image from a base image, the shared runtime layer and the Function's layer.
import { jsonBlob, type Blob } from "./blob.ts";
import type { BaseImage } from "./base-image.ts";
import type { Layer } from "./layer.ts";
import { MEDIA_TYPES, type Descriptor, type ImageConfig, type ImageManifest, type Platform } from "./oci-types.ts";

export interface PlatformImage {
  platform: Platform;
  manifest: Blob;
  config: Blob;
  layers: readonly Descriptor[];
}

export interface FunctionImage {
  functionName: string;
  resourceName: string;
  /** What a reference resolves to: the index (multi-platform base) or the single manifest. */
  root: Blob;
  images: readonly PlatformImage[];
  /** Layers made here (runtime, function): bytes in memory. */
  localBlobs: ReadonlyMap<string, Blob>;
  /** Where the base layers live. */
  base: BaseImage;
}

export interface AssembleFunctionImageOptions {
  functionName: string;
  resourceName: string;
  base: BaseImage;
  runtimeLayer: Layer;
  functionLayer: Layer;
  /** Seconds since the epoch recorded as `created` (SOURCE_DATE_EPOCH or 0). */
  created: number;
  /** OCI labels added to the base's. */
  labels?: Record<string, string>;
}

/** The entrypoint's arguments after the node binary (the base's own path to it, `node` when unknown). */
export const FUNCTION_ARGUMENTS = ["--enable-source-maps", "/app/index.mjs"] as const;
export const FUNCTION_USER = "65532";

export function assembleFunctionImage(options: AssembleFunctionImageOptions): FunctionImage {
  const { base, runtimeLayer, functionLayer } = options;
  const created = new Date(options.created * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
  const images = base.images.map(({ platform, manifest, config, node }): PlatformImage => {
    const labels = {
      ...config.config.Labels,
      ...options.labels,
      "org.opencontainers.image.title": options.resourceName,
      "cloud.kontinue.function": options.functionName,
    };
    const env = (config.config.Env ?? []).filter(
      (e) => !e.startsWith("KONTINUE_FUNCTION=") && !e.startsWith("NODE_ENV="),
    );
    const imageConfig: ImageConfig = {
      ...config,
      created,
      config: {
        ...config.config,
        User: FUNCTION_USER,
        WorkingDir: "/app",
        Entrypoint: [node?.path ?? "node", ...FUNCTION_ARGUMENTS],
        Cmd: null,
        Env: [...env, "NODE_ENV=production", `KONTINUE_FUNCTION=${options.functionName}`],
        Labels: labels,
      },
      rootfs: { type: "layers", diff_ids: [...config.rootfs.diff_ids, runtimeLayer.diffId, functionLayer.diffId] },
      history: [
        ...(config.history ?? []),
        { created, created_by: "kontinue build: kontinue runtime (/app/node_modules/kontinue)" },
        { created, created_by: `kontinue build: function ${options.functionName} (/app/index.mjs)` },
      ],
    };
    delete (imageConfig as { container_config?: unknown }).container_config;
    delete (imageConfig as { container?: unknown }).container;
    const types = mediaTypesLike(manifest);
    const configBlob = jsonBlob(imageConfig, types.config);
    const layers = [
      ...manifest.layers,
      { ...runtimeLayer.blob.descriptor, mediaType: types.layer },
      { ...functionLayer.blob.descriptor, mediaType: types.layer },
    ];
    const imageManifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: types.manifest,
      config: configBlob.descriptor,
      layers,
    };
    return { platform, manifest: jsonBlob(imageManifest, types.manifest), config: configBlob, layers };
  });
  const root = imageRoot(base, images);
  const localBlobs = new Map([runtimeLayer.blob, functionLayer.blob].map((b) => [b.descriptor.digest, b]));
  return { functionName: options.functionName, resourceName: options.resourceName, root, images, localBlobs, base };
}

/**
 * What a reference names: an index of the per-platform images when the base is multi-platform (a Docker manifest
 * list when every image is a Docker manifest, else an OCI index), else the single image's manifest.
 */
export function imageRoot(base: BaseImage, images: readonly PlatformImage[]): Blob {
  const indexType = images.every((i) => i.manifest.descriptor.mediaType === MEDIA_TYPES.dockerManifest)
    ? MEDIA_TYPES.dockerManifestList
    : MEDIA_TYPES.ociIndex;
  if (!base.multiPlatform) return images[0]!.manifest;
  const manifests = images.map((i) => ({ ...i.manifest.descriptor, platform: i.platform }));
  return jsonBlob({ schemaVersion: 2, mediaType: indexType, manifests }, indexType);
}

/**
 * The media types of the base's family (Docker v2 or OCI), as ko does: registries that take the base take the image.
 */
function mediaTypesLike(manifest: ImageManifest): { manifest: string; config: string; layer: string } {
  return manifest.mediaType === MEDIA_TYPES.dockerManifest
    ? { manifest: MEDIA_TYPES.dockerManifest, config: MEDIA_TYPES.dockerConfig, layer: MEDIA_TYPES.dockerLayerGzip }
    : { manifest: MEDIA_TYPES.ociManifest, config: MEDIA_TYPES.ociConfig, layer: MEDIA_TYPES.ociLayerGzip };
}
