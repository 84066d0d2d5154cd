// The base image a Function image starts from: its manifest and config for each platform, verified
// against the digest asked for (or listed in its index), platforms matched by OCI rules.
import { sha256Digest } from "./blob.ts";
import type { BaseNode } from "./base-node.ts";
import { BuildError } from "./build-error.ts";
import { formatImageReference, type ImageReference } from "./image-reference.ts";
import {
  formatPlatform,
  isIndexMediaType,
  type ImageConfig,
  type ImageIndex,
  type ImageManifest,
  type Platform,
} from "./oci-types.ts";
import type { RegistryClient } from "./registry-client.ts";

export interface BasePlatformImage {
  platform: Platform;
  manifest: ImageManifest;
  config: ImageConfig;
  /** Where its Node is (found by inspectBaseNode); the entrypoint runs it. */
  node?: BaseNode;
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
  /**
   * Platforms to build ("linux/arm64" matches the index's "linux/arm64/v8"), or ["all"]; default
   * DEFAULT_PLATFORMS where the base has them, else every platform of the base (attestations skipped).
   */
  platforms?: readonly string[];
}

/** What Kubernetes nodes run: x86-64 and 64-bit ARM (Graviton, Ampere, Apple silicon). */
export const DEFAULT_PLATFORMS: readonly string[] = ["linux/amd64", "linux/arm64"];

/**
 * OCI platform normalization (containerd's): architecture aliases, default variants (arm64 → v8, arm → v7, amd64 v1 →
 * none).
 */
export function normalizePlatform(platform: Platform): string {
  const os = platform.os.toLowerCase();
  const alias: Record<string, string> = {
    x86_64: "amd64",
    x86: "386",
    i386: "386",
    aarch64: "arm64",
    armhf: "arm",
    armel: "arm",
  };
  const architecture = alias[platform.architecture.toLowerCase()] ?? platform.architecture.toLowerCase();
  let variant = platform.variant?.toLowerCase();
  if (architecture === "arm64" && (variant === undefined || variant === "8")) variant = "v8";
  if (architecture === "arm" && variant === undefined) variant = "v7";
  if (architecture === "arm" && /^\d$/.test(variant ?? "")) variant = `v${variant}`;
  if (architecture === "amd64" && variant === "v1") variant = undefined;
  return formatPlatform({ os, architecture, ...(variant ? { variant } : {}) });
}

/** "linux/arm64" → its platform, for matching. */
export function parsePlatform(text: string): Platform {
  const [os = "", architecture = "", variant] = text.trim().split("/");
  if (!os || !architecture)
    throw new BuildError(
      "BUILD_BAD_OPTIONS",
      `cannot use platform "${text}": expected os/architecture[/variant], e.g. linux/arm64`,
    );
  return { os, architecture, ...(variant ? { variant } : {}) };
}

export async function fetchBaseImage(options: FetchBaseImageOptions): Promise<BaseImage> {
  const { reference, client } = options;
  const top = await client.getManifest(reference.repository, reference.digest ?? reference.tag ?? "latest");
  if (reference.digest) verify(reference, "manifest", reference.digest, top.digest);
  const asked = options.platforms?.filter((p) => p !== "all") ?? [];
  const all = options.platforms?.includes("all") === true;
  const wanted = asked.length > 0 ? new Set(asked.map((p) => normalizePlatform(parsePlatform(p)))) : undefined;
  const multiPlatform = isIndexMediaType(top.mediaType);
  let offered: Array<{ platform: Platform; load: () => Promise<BasePlatformImage> }>;
  if (multiPlatform) {
    const index = JSON.parse(top.data.toString()) as ImageIndex;
    offered = index.manifests
      .filter((m) => m.platform && m.platform.os !== "unknown")
      .map((entry) => ({
        platform: entry.platform!,
        load: async () => {
          const fetched = await client.getManifest(reference.repository, entry.digest);
          verify(reference, `manifest of ${formatPlatform(entry.platform!)}`, entry.digest, fetched.digest);
          const manifest = JSON.parse(fetched.data.toString()) as ImageManifest;
          return { platform: entry.platform!, manifest, config: await fetchConfig(client, reference, manifest) };
        },
      }));
  } else {
    const manifest = JSON.parse(top.data.toString()) as ImageManifest;
    const config = await fetchConfig(client, reference, manifest);
    const platform: Platform = {
      os: config.os,
      architecture: config.architecture,
      ...(config.variant ? { variant: config.variant } : {}),
    };
    offered = [{ platform, load: async () => ({ platform, manifest, config }) }];
  }
  const defaults = new Set(DEFAULT_PLATFORMS.map((p) => normalizePlatform(parsePlatform(p))));
  const byDefault = offered.filter((o) => defaults.has(normalizePlatform(o.platform)));
  const chosen = wanted
    ? offered.filter((o) => wanted.has(normalizePlatform(o.platform)))
    : all || byDefault.length === 0 || !multiPlatform
      ? offered
      : byDefault;
  if (chosen.length === 0) {
    const has = offered.map((o) => `"${formatPlatform(o.platform)}"`).join(", ");
    throw new BuildError(
      "BUILD_NO_PLATFORM",
      `base image "${formatImageReference(reference)}" has no image for ` +
        `platform ${asked.map((p) => `"${p}"`).join(", ")}; it offers ${has}: pick one of them with --platform, or ` +
        `another --base`,
    );
  }
  return { reference, client, multiPlatform, images: await Promise.all(chosen.map((o) => o.load())) };
}

async function fetchConfig(
  client: RegistryClient,
  reference: ImageReference,
  manifest: ImageManifest,
): Promise<ImageConfig> {
  const data = await client.getBlob(reference.repository, manifest.config.digest);
  verify(reference, "config", manifest.config.digest, sha256Digest(data));
  return JSON.parse(data.toString()) as ImageConfig;
}

/** A registry (or a proxy, or a cache) that answers other bytes than the digest names is not trusted. */
function verify(reference: ImageReference, what: string, expected: string, got: string): void {
  if (expected === got) return;
  throw new BuildError(
    "BUILD_BASE_DIGEST_MISMATCH",
    `base image "${formatImageReference(reference)}": the registry sent a ${what} whose digest is ${got}, ` +
      `not ${expected}; the registry or a proxy in between altered it, do not build on it`,
  );
}
