// A revision is a Function image's digest: `…@sha256:<hex>` → the first 16 hex digits. Images that are
// not a pullable reference pinned by digest have no revision, and so no Deployment.

export type ImageRevision =
  | { revision: string; image: string }
  | { problem: "InvalidImage" | "SourceImage"; message: string };

const repositoryPattern = String.raw`[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:[._-]+[a-z0-9]+)*)*`;
const digestPattern = new RegExp(
  String.raw`^(?<repository>${repositoryPattern})(?::[\w][\w.-]{0,127})?@sha256:(?<hex>[a-f0-9]{64})$`,
);

/** A reference by name or tag only: `repository` or `repository:tag`. */
const tagPattern = new RegExp(String.raw`^${repositoryPattern}(?::[\w][\w.-]{0,127})?$`);

/** The revision of `image`, or why it has none (the messages name the image and what to do). */
export function imageRevision(image: string | undefined): ImageRevision {
  if (image === undefined || image.trim() === "") {
    return {
      problem: "InvalidImage",
      message:
        'spec.image is empty; set it to an image pinned by digest ("registry/repo@sha256:…"), e.g. with "kontinue ' +
        'deploy"',
    };
  }
  if (image.startsWith("source:") || image === "source") {
    return {
      problem: "SourceImage",
      message:
        `spec.image "${image}" names sources, not an image (workers run from source with "kontinue worker"), so ` +
        `no Deployment is created; build and push an image with "kontinue deploy" to run it on the cluster`,
    };
  }
  const match = digestPattern.exec(image);
  if (match === null && tagPattern.test(image)) {
    return {
      problem: "InvalidImage",
      message:
        `spec.image "${image}" is not pinned by digest: a tag can move to other code, and one that ` +
        `"kontinue build --docker" or "--tarball" prints names an image only that Docker engine or tarball has, ` +
        `so it gives no revision and no workers; push the image with "kontinue build <dir> --registry ` +
        `<host/prefix>" and apply the manifest it prints ("repository@sha256:<64 hex digits>")`,
    };
  }
  if (match === null) {
    return {
      problem: "InvalidImage",
      message:
        `spec.image "${image}" is not a valid image reference; use "registry/repository@sha256:<64 hex digits>" ` +
        `as "kontinue build" prints it, so every execution runs the code it started on`,
    };
  }
  return { revision: match.groups!.hex!.slice(0, 16), image };
}

/** The revision of an image reference, or undefined when it has none. */
export function revisionOf(image: string | undefined): string | undefined {
  const found = imageRevision(image);
  return "revision" in found ? found.revision : undefined;
}
