// Writes Function images into an OCI image layout folder (blobs/sha256, index.json, oci-layout).
import { mkdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { FunctionImage } from "./function-image.ts";
import { ImageBlobReader } from "./image-blob-reader.ts";
import type { ImagePublisher, PublishedImage } from "./image-publisher.ts";
import { MEDIA_TYPES, type Descriptor } from "./oci-types.ts";

export interface OciLayoutPublisherOptions {
  dir: string;
  /** Image name recorded for a Function (ref.name annotation is the resource name). */
  imageName: (resourceName: string) => string;
}

export class OciLayoutPublisher implements ImagePublisher {
  private readonly options: OciLayoutPublisherOptions;
  private readonly reader = new ImageBlobReader();
  private readonly entries: Descriptor[] = [];

  constructor(options: OciLayoutPublisherOptions) {
    this.options = options;
  }

  async publish(image: FunctionImage): Promise<PublishedImage> {
    const blobsDir = join(this.options.dir, "blobs", "sha256");
    await mkdir(blobsDir, { recursive: true });
    const descriptors: Descriptor[] = [image.root.descriptor];
    for (const platformImage of image.images)
      descriptors.push(platformImage.manifest.descriptor, platformImage.config.descriptor, ...platformImage.layers);
    for (const descriptor of descriptors) {
      const path = join(blobsDir, descriptor.digest.slice("sha256:".length));
      if ((await stat(path).catch(() => undefined))?.size === descriptor.size) continue;
      await writeFile(path, await this.reader.read(image, descriptor));
    }
    const name = this.options.imageName(image.resourceName);
    this.entries.push({
      ...image.root.descriptor,
      annotations: {
        "org.opencontainers.image.ref.name": image.resourceName,
        "io.containerd.image.name": `${name}:latest`,
      },
    });
    return {
      functionName: image.functionName,
      reference: `${name}@${image.root.descriptor.digest}`,
      digest: image.root.descriptor.digest,
    };
  }

  async finish(): Promise<void> {
    await mkdir(this.options.dir, { recursive: true });
    await writeFile(join(this.options.dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
    const index = { schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: this.entries };
    await writeFile(join(this.options.dir, "index.json"), JSON.stringify(index));
  }
}
