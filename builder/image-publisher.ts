// The publish stage: one interface, one implementation per backend (registry, OCI layout, tarball, Docker engine).
import type { FunctionImage } from "./function-image.ts";

export interface PublishedImage {
  functionName: string;
  /**
   * Where the image can now be run from: pinned by digest in a registry or OCI layout
   * ("127.0.0.1:5000/fns/hello@sha256:…"); `name:<build tag>` in a Docker engine or tarball, where a
   * loaded image has no repository digest to resolve.
   */
  reference: string;
  digest: string;
}

export interface ImagePublisher {
  /**
   * Publishes one image. `gate` settles when the build may reference the image (every Function's
   * options were read): a publisher may send blobs before, but writes manifests only after it resolves.
   */
  publish(image: FunctionImage, gate?: Promise<unknown>): Promise<PublishedImage>;
  /** Writes what spans all images (an OCI layout's index, a tarball); default nothing. */
  finish?(): Promise<void>;
}
