// Loads Function images into a Docker engine (dockerode's /images/load), tagged `<name>:<build tag>` and
// `<name>:latest`. dockerode (and the gRPC stack under it) loads only when a load happens: most builds and every
// deploy never touch a Docker engine, and importing it costs about half a second.
import type Docker from "dockerode";
import { BuildError } from "./build-error.ts";
import { defaultBuildTag } from "./build-tag.ts";
import { DockerArchive } from "./docker-archive.ts";
import type { FunctionImage } from "./function-image.ts";
import type { ImagePublisher, PublishedImage } from "./image-publisher.ts";

export interface DockerEnginePublisherOptions {
  /** Default: a client from DOCKER_HOST or the default socket. */
  docker?: Docker;
  imageName: (resourceName: string) => string;
  /** Tag besides `latest` (default `rev-<first 16 hex digits of the digest>`). */
  tag?: string;
}

export class DockerEnginePublisher implements ImagePublisher {
  private readonly options: DockerEnginePublisherOptions;
  private readonly archive = new DockerArchive();
  private readonly names: string[] = [];

  constructor(options: DockerEnginePublisherOptions) {
    this.options = options;
  }

  async publish(image: FunctionImage): Promise<PublishedImage> {
    const name = this.options.imageName(image.resourceName);
    const digest = image.root.descriptor.digest;
    const reference = await this.archive.add(image, name, this.options.tag ?? defaultBuildTag(digest));
    this.names.push(name);
    return { functionName: image.functionName, reference, digest };
  }

  async finish(): Promise<void> {
    const tarball = await this.archive.toBuffer();
    try {
      const docker = this.options.docker ?? new (await import("dockerode")).default();
      const stream = await docker.loadImage(tarball as unknown as NodeJS.ReadableStream);
      const output = await new Promise<string>((resolve, reject) => {
        const chunks: Buffer[] = [];
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("end", () => resolve(Buffer.concat(chunks).toString()));
        stream.on("error", reject);
      });
      const failure = output
        .split("\n")
        .filter((line) => line.trim().startsWith("{"))
        .map((line) => JSON.parse(line) as { error?: string })
        .find((message) => message.error);
      if (failure) throw new Error(failure.error);
    } catch (error) {
      throw new BuildError(
        "BUILD_OUTPUT_FAILED",
        `cannot load ${this.names.map((n) => `"${n}"`).join(", ")} into the Docker ` +
          `engine: ${(error as Error).message}; check that Docker runs (DOCKER_HOST)`,
        { cause: error },
      );
    }
  }
}
