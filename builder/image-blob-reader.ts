// Reads any blob of a Function image: its own layers from memory, base blobs from the base registry (once each).
import type { Descriptor } from "./oci-types.ts";
import type { FunctionImage } from "./function-image.ts";

export class ImageBlobReader {
  private readonly fetched = new Map<string, Promise<Buffer>>();

  async read(image: FunctionImage, descriptor: Descriptor): Promise<Buffer> {
    const local = image.localBlobs.get(descriptor.digest);
    if (local) return local.data;
    for (const platformImage of image.images) {
      if (platformImage.config.descriptor.digest === descriptor.digest) return platformImage.config.data;
      if (platformImage.manifest.descriptor.digest === descriptor.digest) return platformImage.manifest.data;
    }
    if (image.root.descriptor.digest === descriptor.digest) return image.root.data;
    let pending = this.fetched.get(descriptor.digest);
    if (!pending) {
      pending = image.base.client.getBlob(image.base.reference.repository, descriptor.digest);
      this.fetched.set(descriptor.digest, pending);
    }
    return pending;
  }
}
