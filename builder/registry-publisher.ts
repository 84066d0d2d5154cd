// Pushes Function images to a registry: HEAD the tags first, mount base layers (same registry, or a
// repository an earlier run pushed them to) or copy them, upload each new blob once per run (later
// repositories mount it), then platform manifests, then the root under the build tag and `latest`.
import type { Blob } from "./blob.ts";
import type { BlobLocations } from "./blob-locations.ts";
import { defaultBuildTag } from "./build-tag.ts";
import type { FunctionImage } from "./function-image.ts";
import { ImageBlobReader } from "./image-blob-reader.ts";
import { functionRepository, type PushTarget } from "./image-reference.ts";
import type { ImagePublisher, PublishedImage } from "./image-publisher.ts";
import type { Descriptor } from "./oci-types.ts";
import type { RegistryClient } from "./registry-client.ts";

export interface PushStats {
  /** Blobs whose bytes were sent. */
  uploadedBlobs: number;
  /** Their digests, in upload order. */
  uploadedDigests: string[];
  uploadedBytes: number;
  mountedBlobs: number;
  /** Blobs the registry already had (HEAD 200). */
  existingBlobs: number;
  manifestsPut: number;
  /** Images whose tag already pointed at the same digest (nothing sent). */
  unchangedImages: number;
}

/** Whether to HEAD a blob before sending it. */
type BlobMode = "check-first" | "send";

/** What a push reports as it goes (for progress on stderr). */
export interface PushProgress {
  /** A blob's bytes were sent for `functionName`. */
  sent(functionName: string, bytes: number): void;
  /** The Function's image is in the registry; `bytes` were sent for it. */
  done(functionName: string, bytes: number): void;
}

export interface RegistryPublisherOptions {
  client: RegistryClient;
  target: PushTarget;
  /** Tag written besides `latest` (default `rev-<first 16 hex digits of the digest>`). */
  tag?: string;
  /** Where blobs were pushed in earlier runs, to mount them from there. */
  locations?: BlobLocations;
  progress?: PushProgress;
}

export class RegistryPublisher implements ImagePublisher {
  readonly stats: PushStats = {
    uploadedBlobs: 0,
    uploadedDigests: [],
    uploadedBytes: 0,
    mountedBlobs: 0,
    existingBlobs: 0,
    manifestsPut: 0,
    unchangedImages: 0,
  };
  private readonly options: RegistryPublisherOptions;
  private readonly reader = new ImageBlobReader();
  /** Digest → the repository it was first pushed to in this run. */
  private readonly pushed = new Map<string, Promise<string>>();
  /** Bytes sent per Function in this run. */
  private readonly sentFor = new Map<string, number>();

  constructor(options: RegistryPublisherOptions) {
    this.options = options;
  }

  async publish(image: FunctionImage, gate?: Promise<unknown>): Promise<PublishedImage> {
    const { client, target } = this.options;
    const repository = functionRepository(target, image.resourceName);
    const digest = image.root.descriptor.digest;
    const tags = [...new Set([this.options.tag ?? defaultBuildTag(digest), "latest"])];
    const published = {
      functionName: image.functionName,
      reference: `${target.registry}/${repository}@${digest}`,
      digest,
    };
    // A registry accepts a manifest only when it has every blob it references: a tag naming the digest means nothing to
    // send.
    const current = await Promise.all(tags.map((tag) => client.headManifest(repository, tag)));
    if (current.includes(digest)) {
      await gate;
      const missing = tags.filter((_, i) => current[i] !== digest);
      for (const tag of missing) await this.putManifest(repository, tag, image.root);
      if (missing.length === 0) this.stats.unchangedImages++;
      this.options.progress?.done(image.functionName, 0);
      return published;
    }
    // A repository without `latest` is (almost always) new: skip the HEADs; re-sending a blob it has costs only bytes.
    const mode: BlobMode = current.at(-1) === undefined ? "send" : "check-first";
    const sentBefore = this.sentFor.get(image.functionName) ?? 0;
    const blobs = new Map<string, Descriptor>();
    for (const platformImage of image.images) {
      for (const layer of platformImage.layers) blobs.set(layer.digest, layer);
      blobs.set(platformImage.config.descriptor.digest, platformImage.config.descriptor);
    }
    await Promise.all([...blobs.values()].map((descriptor) => this.pushBlob(image, repository, descriptor, mode)));
    await gate;
    const platformManifests: Blob[] = image.images.map((i) => i.manifest).filter((m) => m !== image.root);
    for (const manifest of platformManifests) await this.putManifest(repository, manifest.descriptor.digest, manifest);
    for (const tag of tags) await this.putManifest(repository, tag, image.root);
    await this.options.locations?.save();
    this.options.progress?.done(image.functionName, (this.sentFor.get(image.functionName) ?? 0) - sentBefore);
    return published;
  }

  private async putManifest(repository: string, reference: string, manifest: Blob): Promise<void> {
    await this.options.client.putManifest(repository, reference, manifest.data, manifest.descriptor.mediaType);
    this.stats.manifestsPut++;
  }

  private async pushBlob(
    image: FunctionImage,
    repository: string,
    descriptor: Descriptor,
    mode: BlobMode,
  ): Promise<void> {
    const { client } = this.options;
    const digest = descriptor.digest;
    const earlier = this.pushed.get(digest);
    if (earlier) {
      const from = await earlier;
      if (from === repository) return;
      if (mode === "check-first" && (await client.hasBlob(repository, digest))) {
        this.stats.existingBlobs++;
        return;
      }
      if (await client.mountBlob(repository, digest, from)) {
        this.stats.mountedBlobs++;
        return;
      }
      await this.upload(image, repository, descriptor);
      return;
    }
    const done = this.firstPush(image, repository, descriptor, mode).then(() => repository);
    this.pushed.set(digest, done);
    await done;
  }

  private async firstPush(
    image: FunctionImage,
    repository: string,
    descriptor: Descriptor,
    mode: BlobMode,
  ): Promise<void> {
    const { client } = this.options;
    if (mode === "check-first" && (await client.hasBlob(repository, descriptor.digest))) {
      this.stats.existingBlobs++;
      return;
    }
    const base = image.base;
    const fromBase =
      isBaseLayer(image, descriptor.digest) &&
      base.client.registry === client.registry &&
      base.reference.repository !== repository;
    if (fromBase && (await client.mountBlob(repository, descriptor.digest, base.reference.repository))) {
      this.stats.mountedBlobs++;
      return;
    }
    // A blob an earlier run pushed to this registry is mounted from there instead of re-streamed.
    for (const from of this.options.locations?.repositoriesOf(client.registry, descriptor.digest) ?? []) {
      if (from === repository) continue;
      if (await client.mountBlob(repository, descriptor.digest, from)) {
        this.stats.mountedBlobs++;
        this.options.locations?.add(client.registry, descriptor.digest, repository);
        return;
      }
      this.options.locations?.forget(client.registry, descriptor.digest, from);
    }
    await this.upload(image, repository, descriptor);
  }

  private async upload(image: FunctionImage, repository: string, descriptor: Descriptor): Promise<void> {
    const base = image.base;
    const fromOtherRegistry =
      isBaseLayer(image, descriptor.digest) && base.client.registry !== this.options.client.registry;
    const data = fromOtherRegistry
      ? { size: descriptor.size, open: () => base.client.openBlob(base.reference.repository, descriptor.digest) }
      : await this.reader.read(image, descriptor);
    await this.options.client.uploadBlob(repository, descriptor.digest, data);
    this.options.locations?.add(this.options.client.registry, descriptor.digest, repository);
    this.stats.uploadedBlobs++;
    this.stats.uploadedDigests.push(descriptor.digest);
    this.stats.uploadedBytes += descriptor.size;
    this.sentFor.set(image.functionName, (this.sentFor.get(image.functionName) ?? 0) + descriptor.size);
    this.options.progress?.sent(image.functionName, descriptor.size);
  }
}

function isBaseLayer(image: FunctionImage, digest: string): boolean {
  return image.base.images.some((i) => i.manifest.layers.some((l) => l.digest === digest));
}
