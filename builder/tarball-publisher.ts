// Writes all Function images into one tarball that `docker load` takes.
import { writeFile } from "node:fs/promises";
import { defaultBuildTag } from "./build-tag.ts";
import { DockerArchive } from "./docker-archive.ts";
import type { FunctionImage } from "./function-image.ts";
import type { ImagePublisher, PublishedImage } from "./image-publisher.ts";

export interface TarballPublisherOptions {
  file: string;
  imageName: (resourceName: string) => string;
  /** Tag besides `latest` (default `rev-<first 16 hex digits of the digest>`). */
  tag?: string;
}

export class TarballPublisher implements ImagePublisher {
  private readonly options: TarballPublisherOptions;
  private readonly archive = new DockerArchive();

  constructor(options: TarballPublisherOptions) {
    this.options = options;
  }

  async publish(image: FunctionImage): Promise<PublishedImage> {
    const name = this.options.imageName(image.resourceName);
    const digest = image.root.descriptor.digest;
    const reference = await this.archive.add(image, name, this.options.tag ?? defaultBuildTag(digest));
    return { functionName: image.functionName, reference, digest };
  }

  async finish(): Promise<void> {
    await writeFile(this.options.file, await this.archive.toBuffer());
  }
}
