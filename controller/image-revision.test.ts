import { describe, expect, it } from "vitest";
import { imageRevision, revisionOf } from "./image-revision.ts";

const hex = "0123456789abcdef".repeat(4);

describe("imageRevision", () => {
  it("is the first 16 hex digits of the digest, with or without a tag or registry port", () => {
    expect(imageRevision(`127.0.0.1:5000/fns/process-order@sha256:${hex}`)).toEqual({
      revision: "0123456789abcdef",
      image: `127.0.0.1:5000/fns/process-order@sha256:${hex}`,
    });
    expect(revisionOf(`ghcr.io/acme/fn:v1@sha256:${hex}`)).toBe("0123456789abcdef");
  });

  it("names a source image (workers from source) as such, with no revision", () => {
    const found = imageRevision(`source:sha256:${hex}`);
    expect(found).toMatchObject({ problem: "SourceImage" });
    expect("message" in found && found.message).toContain('workers run from source with "kontinue worker"');
  });

  it("refuses tags, short digests and empty images with a message that says what to write", () => {
    expect(imageRevision("nginx:latest")).toMatchObject({
      problem: "InvalidImage",
      message: expect.stringMatching(/^spec\.image "nginx:latest" is not pinned by digest: a tag can move/),
    });
    // What "kontinue build --docker" and "--tarball" print: the build tag, no registry digest.
    expect(imageRevision("hello:rev-0123456789abcdef")).toMatchObject({
      problem: "InvalidImage",
      message: expect.stringContaining('push the image with "kontinue build <dir> --registry <host/prefix>"'),
    });
    expect(imageRevision("127.0.0.1:5000/fns/hello")).toMatchObject({
      message: expect.stringContaining("is not pinned by digest"),
    });
    expect(imageRevision("repo@sha256:abc")).toMatchObject({
      problem: "InvalidImage",
      message: expect.stringContaining("is not a valid image reference"),
    });
    expect(imageRevision(`Repo@sha256:${hex}`)).toMatchObject({ problem: "InvalidImage" });
    expect(imageRevision("")).toMatchObject({
      problem: "InvalidImage",
      message: expect.stringContaining("spec.image is empty"),
    });
    expect(revisionOf(undefined)).toBeUndefined();
  });
});
