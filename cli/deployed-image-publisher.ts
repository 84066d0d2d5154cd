// A publish wrapper for deploy: an image a Ready Function already runs from the same reference (registry, repository
// and digest) is in the registry, since the cluster pulled it, so it is not sent or even HEADed again. Any other image
// (a changed digest, another registry, a Function not Ready or not yet at its applied generation) is published.
import {
  functionRepository,
  type FunctionImage,
  type ImagePublisher,
  type PublishedImage,
  type PushTarget,
} from "../builder/index.ts";
import type { FunctionResource } from "../crds/index.ts";
import { readinessOf } from "./deploy-wait.ts";

export interface DeployedImagePublisherOptions {
  /** What publishes the images the cluster does not run yet. */
  publisher: ImagePublisher;
  /** Where `publisher` puts the images (to name the reference a running Function would have). */
  target: PushTarget;
  /** The Functions in the namespace now. */
  deployed: readonly FunctionResource[];
}

export class DeployedImagePublisher implements ImagePublisher {
  readonly #options: DeployedImagePublisherOptions;
  /** resource name → the image its Ready Function runs. */
  readonly #running: Map<string, string>;

  constructor(options: DeployedImagePublisherOptions) {
    this.#options = options;
    this.#running = new Map(
      options.deployed.filter(runsItsSpec).map((fn) => [fn.metadata.name ?? "", fn.spec.image] as const),
    );
  }

  async publish(image: FunctionImage, gate?: Promise<unknown>): Promise<PublishedImage> {
    const { target } = this.#options;
    const digest = image.root.descriptor.digest;
    const reference = `${target.registry}/${functionRepository(target, image.resourceName)}@${digest}`;
    if (this.#running.get(image.resourceName) === reference)
      return { functionName: image.functionName, reference, digest };
    return this.#options.publisher.publish(image, gate);
  }

  async finish(): Promise<void> {
    await this.#options.publisher.finish?.();
  }
}

/** Ready at the generation it was last applied at: its workers run `spec.image`, so the registry serves it. */
const runsItsSpec = (fn: FunctionResource): boolean => readinessOf(fn, fn.metadata.generation ?? 1).state === "ready";
