import { describe, expect, it } from "vitest";
import type { BaseImage } from "./base-image.ts";
import { assembleFunctionImage } from "./function-image.ts";
import { createLayer } from "./layer.ts";
import { MEDIA_TYPES, type ImageConfig, type ImageIndex, type ImageManifest } from "./oci-types.ts";
import { RegistryClient } from "./registry-client.ts";

const baseConfig: ImageConfig = {
  architecture: "amd64",
  os: "linux",
  created: "2026-01-01T00:00:00Z",
  config: {
    Env: ["PATH=/usr/local/bin:/usr/bin", "NODE_VERSION=24.1.0", "NODE_ENV=development"],
    Cmd: ["node"],
    Labels: { maintainer: "base" },
  },
  rootfs: { type: "layers", diff_ids: ["sha256:base"] },
  history: [{ created_by: "base" }],
};
const baseLayer = { mediaType: MEDIA_TYPES.dockerLayerGzip, digest: `sha256:${"b".repeat(64)}`, size: 1000 };
const baseManifest: ImageManifest = {
  schemaVersion: 2,
  mediaType: MEDIA_TYPES.dockerManifest,
  config: { mediaType: MEDIA_TYPES.dockerConfig, digest: `sha256:${"c".repeat(64)}`, size: 10 },
  layers: [baseLayer],
};

function base(multiPlatform: boolean): BaseImage {
  const images = [{ platform: { os: "linux", architecture: "amd64" }, manifest: baseManifest, config: baseConfig }];
  if (multiPlatform)
    images.push({
      platform: { os: "linux", architecture: "arm64" },
      manifest: baseManifest,
      config: { ...baseConfig, architecture: "arm64" },
    });
  return {
    reference: { registry: "127.0.0.1:5000", repository: "base", tag: "1" },
    client: new RegistryClient({ registry: "127.0.0.1:5000", insecure: true }),
    multiPlatform,
    images,
  };
}

async function layers() {
  return {
    runtimeLayer: await createLayer(
      [{ type: "file", path: "app/node_modules/kontinue/index.mjs", data: Buffer.from("export {}") }],
      { mtime: 0 },
    ),
    functionLayer: await createLayer([{ type: "file", path: "app/index.mjs", data: Buffer.from("await 1") }], {
      mtime: 0,
    }),
  };
}

describe("assembleFunctionImage", () => {
  it(
    "writes the worker's config on top of the base's: entrypoint, user, working dir, env, labels, layers, " + "created",
    async () => {
      const { runtimeLayer, functionLayer } = await layers();
      const image = assembleFunctionImage({
        functionName: "processOrder",
        resourceName: "process-order",
        base: base(false),
        runtimeLayer,
        functionLayer,
        created: 86_400,
        labels: { "org.opencontainers.image.revision": "abc" },
      });
      expect(image.root).toBe(image.images[0]!.manifest);
      const config = JSON.parse(image.images[0]!.config.data.toString()) as ImageConfig;
      expect(config.config).toMatchObject({
        Entrypoint: ["node", "--enable-source-maps", "/app/index.mjs"],
        Cmd: null,
        User: "65532",
        WorkingDir: "/app",
      });
      expect(config.config.Env).toEqual([
        "PATH=/usr/local/bin:/usr/bin",
        "NODE_VERSION=24.1.0",
        "NODE_ENV=production",
        "KONTINUE_FUNCTION=processOrder",
      ]);
      expect(config.config.Labels).toEqual({
        maintainer: "base",
        "org.opencontainers.image.revision": "abc",
        "org.opencontainers.image.title": "process-order",
        "cloud.kontinue.function": "processOrder",
      });
      expect(config.rootfs.diff_ids).toEqual(["sha256:base", runtimeLayer.diffId, functionLayer.diffId]);
      expect(config.created).toBe("1970-01-02T00:00:00Z");
      expect(config.history).toHaveLength(3);
      // A Docker v2 base gives a Docker v2 image (media types of the base's family).
      const manifest = JSON.parse(image.root.data.toString()) as ImageManifest;
      expect(manifest.mediaType).toBe(MEDIA_TYPES.dockerManifest);
      expect(manifest.config).toEqual({ ...image.images[0]!.config.descriptor, mediaType: MEDIA_TYPES.dockerConfig });
      const dockerLayer = (d: { digest: string; size: number }) => ({
        mediaType: MEDIA_TYPES.dockerLayerGzip,
        digest: d.digest,
        size: d.size,
      });
      expect(manifest.layers).toEqual([
        baseLayer,
        dockerLayer(runtimeLayer.blob.descriptor),
        dockerLayer(functionLayer.blob.descriptor),
      ]);
      expect([...image.localBlobs.keys()]).toEqual([
        runtimeLayer.blob.descriptor.digest,
        functionLayer.blob.descriptor.digest,
      ]);
    },
  );

  it(
    "gives an index (here a Docker manifest list) with one manifest per platform of a multi-platform base, sharing " +
      "the Function layer",
    async () => {
      const { runtimeLayer, functionLayer } = await layers();
      const options = {
        functionName: "hello",
        resourceName: "hello",
        base: base(true),
        runtimeLayer,
        functionLayer,
        created: 0,
      };
      const image = assembleFunctionImage(options);
      const index = JSON.parse(image.root.data.toString()) as ImageIndex;
      expect(index.mediaType).toBe(MEDIA_TYPES.dockerManifestList);
      expect(index.manifests.map((m) => [m.platform?.architecture, m.digest])).toEqual(
        image.images.map((i) => [i.platform.architecture, i.manifest.descriptor.digest]),
      );
      expect(image.images[0]!.layers.at(-1)).toEqual(image.images[1]!.layers.at(-1));
      expect(assembleFunctionImage(options).root.descriptor.digest).toBe(image.root.descriptor.digest);
    },
  );
});
