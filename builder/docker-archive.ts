// A tarball `docker load` takes: the docker-archive manifest.json plus an OCI layout, one platform per image.
import type { FunctionImage, PlatformImage } from "./function-image.ts";
import { ImageBlobReader } from "./image-blob-reader.ts";
import { packTar, type LayerEntry } from "./layer.ts";
import { MEDIA_TYPES, type Descriptor } from "./oci-types.ts";

interface ArchiveImage {
  name: string;
  /** The build tag (`rev-…` or --tag); the image is tagged with it and `latest`. */
  tag: string;
  platformImage: PlatformImage;
}

/** Collects Function images, then writes one tarball with all of them. */
export class DockerArchive {
  private readonly reader = new ImageBlobReader();
  private readonly blobs = new Map<string, Buffer>();
  private readonly images: ArchiveImage[] = [];

  /**
   * Adds the image for the local platform (`arch`, default this machine's), tagged `name:<tag>` and
   * `name:latest`; returns `name:<tag>`, the reference a Docker engine resolves after `docker load`
   * (a loaded image has no repository digest, so `name@sha256:…` would not resolve).
   */
  async add(
    image: FunctionImage,
    name: string,
    tag: string,
    arch: string = dockerArchitecture(process.arch),
  ): Promise<string> {
    const platformImage = image.images.find((i) => i.platform.architecture === arch) ?? image.images[0]!;
    const descriptors: Descriptor[] = [
      platformImage.manifest.descriptor,
      platformImage.config.descriptor,
      ...platformImage.layers,
    ];
    for (const descriptor of descriptors) {
      if (!this.blobs.has(descriptor.digest))
        this.blobs.set(descriptor.digest, await this.reader.read(image, descriptor));
    }
    this.images.push({ name, tag, platformImage });
    return `${name}:${tag}`;
  }

  /** The tarball's bytes: entries in a fixed order with fixed metadata. */
  async toBuffer(): Promise<Buffer> {
    const file = (path: string, data: Buffer): LayerEntry => ({ type: "file", path, data });
    const index = {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociIndex,
      manifests: this.images.map((i) => ({
        ...i.platformImage.manifest.descriptor,
        annotations: { "io.containerd.image.name": `${i.name}:${i.tag}`, "org.opencontainers.image.ref.name": i.tag },
      })),
    };
    const manifest = this.images.map((i) => ({
      Config: blobPath(i.platformImage.config.descriptor.digest),
      RepoTags: [...new Set([`${i.name}:${i.tag}`, `${i.name}:latest`])],
      Layers: i.platformImage.layers.map((l) => blobPath(l.digest)),
    }));
    return packTar(
      [
        { type: "directory", path: "blobs" },
        { type: "directory", path: "blobs/sha256" },
        ...[...this.blobs.keys()].sort().map((digest) => file(blobPath(digest), this.blobs.get(digest)!)),
        file("oci-layout", Buffer.from(JSON.stringify({ imageLayoutVersion: "1.0.0" }))),
        file("index.json", Buffer.from(JSON.stringify(index))),
        file("manifest.json", Buffer.from(JSON.stringify(manifest))),
      ],
      { mtime: new Date(0), uid: 0, gid: 0 },
    );
  }
}

function blobPath(digest: string): string {
  return `blobs/sha256/${digest.slice("sha256:".length)}`;
}

/** Node's process.arch → the OCI architecture name. */
export function dockerArchitecture(arch: string): string {
  return (
    ({ x64: "amd64", arm64: "arm64", arm: "arm", ppc64: "ppc64le", s390x: "s390x" } as Record<string, string>)[arch] ??
    arch
  );
}
