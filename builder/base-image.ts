// The base image a Function image starts from: its manifest and config for each platform.
import { BuildError } from "./build-error.ts";
import { formatImageReference, type ImageReference } from "./image-reference.ts";
import { formatPlatform, isIndexMediaType, type ImageConfig, type ImageIndex, type ImageManifest, type Platform } from "./oci-types.ts";
import type { RegistryClient } from "./registry-client.ts";

export interface BasePlatformImage {
  platform: Platform;
  manifest: ImageManifest;
  config: ImageConfig;
}

export interface BaseImage {
  reference: ImageReference;
  /** The registry holding the base layers (and the repository, in `reference`). */
  client: RegistryClient;
  /** True when the base is a multi-platform index: the Function image is pushed as an index too. */
  multiPlatform: boolean;
  images: BasePlatformImage[];
}

export interface FetchBaseImageOptions {
  reference: ImageReference;
  client: RegistryClient;
  /** Only these platforms ("linux/amd64"); default all of the index (attestations skipped). */
  platforms?: readonly string[];
}

export async function fetchBaseImage(options: FetchBaseImageOptions): Promise<BaseImage> {
  const { reference, client } = options;
  const top = await client.getManifest(reference.repository, reference.digest ?? reference.tag ?? "latest");
  const wanted = options.platforms && options.platforms.length > 0 ? new Set(options.platforms) : undefined;
  const images: BasePlatformImage[] = [];
  const multiPlatform = isIndexMediaType(top.mediaType);
  if (multiPlatform) {
    const index = JSON.parse(top.data.toString()) as ImageIndex;
    const entries = index.manifests.filter((m) => m.platform && m.platform.os !== "unknown" && (!wanted || wanted.has(formatPlatform(m.platform))));
    for (const entry of entries) {
      const manifest = JSON.parse((await client.getManifest(reference.repository, entry.digest)).data.toString()) as ImageManifest;
      images.push({ platform: entry.platform!, manifest, config: await fetchConfig(client, reference, manifest) });
    }
  } else {
    const manifest = JSON.parse(top.data.toString()) as ImageManifest;
    const config = await fetchConfig(client, reference, manifest);
    const platform: Platform = { os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) };
    if (!wanted || wanted.has(formatPlatform(platform))) images.push({ platform, manifest, config });
  }
  if (images.length === 0) {
    throw new BuildError("BUILD_NO_PLATFORM", `base image "${formatImageReference(reference)}" has no image for platform ${[...(wanted ?? [])].map((p) => `"${p}"`).join(", ")}; pick one the base provides or drop --platform`);
  }
  return { reference, client, multiPlatform, images };
}

async function fetchConfig(client: RegistryClient, reference: ImageReference, manifest: ImageManifest): Promise<ImageConfig> {
  return JSON.parse((await client.getBlob(reference.repository, manifest.config.digest)).toString()) as ImageConfig;
}

/** The Node major version the base image ships (its NODE_VERSION env), for the bundle's target. */
export function baseNodeMajor(config: ImageConfig): number | undefined {
  const env = config.config.Env?.find((e) => e.startsWith("NODE_VERSION="));
  const major = Number.parseInt(env?.slice("NODE_VERSION=".length).replace(/^v/, "") ?? "", 10);
  return Number.isInteger(major) ? major : undefined;
}
