// Writes all Function images into one tarball that `docker load` takes.
import { writeFile } from "node:fs/promises";
import { DockerArchive } from "./docker-archive.ts";
import type { FunctionImage } from "./function-image.ts";
import type { ImagePublisher, PublishedImage } from "./image-publisher.ts";

export interface TarballPublisherOptions {
  file: string;
  imageName: (resourceName: string) => string;
}

export class TarballPublisher implements ImagePublisher {
  private readonly options: TarballPublisherOptions;
  private readonly archive = new DockerArchive();

  constructor(options: TarballPublisherOptions) {
    this.options = options;
  }

  async publish(image: FunctionImage): Promise<PublishedImage> {
    const name = this.options.imageName(image.resourceName);
    await this.archive.add(image, name);
    return { functionName: image.functionName, reference: `${name}@${image.root.descriptor.digest}`, digest: image.root.descriptor.digest };
  }

  async finish(): Promise<void> {
    await writeFile(this.options.file, await this.archive.toBuffer());
  }
}
