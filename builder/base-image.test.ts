// The base image against an in-process registry: OCI platform matching (variants, aliases), the default
// platforms, an unmatched platform naming what the base offers, manifests and configs verified by digest,
// and where its Node lives (PATH, distroless, symlinks, whiteouts) and whether it is new enough.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isKontinueError } from "../runtime/index.ts";
import { jsonBlob } from "./blob.ts";
import { fetchBaseImage, normalizePlatform } from "./base-image.ts";
import { inspectBaseNode } from "./base-node.ts";
import { parseImageReference } from "./image-reference.ts";
import { createLayer, type LayerEntry } from "./layer.ts";
import { MEDIA_TYPES, formatPlatform, type Platform } from "./oci-types.ts";
import { RegistryClient } from "./registry-client.ts";
import { startMemoryRegistry, type MemoryRegistry } from "./testdata/memory-registry.ts";

let memory: MemoryRegistry;
let client: RegistryClient;
const REPOSITORY = "acme/node";

beforeAll(async () => {
  memory = await startMemoryRegistry();
  client = new RegistryClient({ registry: memory.registry, insecure: true, sleep: async () => {} });
});
afterAll(() => memory.close());

/** Pushes a single-platform image with the given layers into the memory registry; returns its manifest descriptor. */
async function image(
  platform: Platform,
  layers: LayerEntry[][],
  env: string[] = ["PATH=/usr/local/bin:/usr/bin:/bin"],
  tag?: string,
) {
  const built = await Promise.all(layers.map((entries) => createLayer(entries, { mtime: 0 })));
  for (const layer of built) memory.blob(REPOSITORY, layer.blob);
  const config = jsonBlob(
    { ...platform, config: { Env: env }, rootfs: { type: "layers", diff_ids: built.map((l) => l.diffId) } },
    MEDIA_TYPES.ociConfig,
  );
  memory.blob(REPOSITORY, config);
  const manifest = memory.manifest(
    REPOSITORY,
    {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociManifest,
      config: config.descriptor,
      layers: built.map((l) => l.blob.descriptor),
    },
    MEDIA_TYPES.ociManifest,
    tag,
  );
  return { ...manifest.descriptor, platform };
}

const nodeBinary = (version: string) =>
  Buffer.from(`\x7fELF…https://nodejs.org/download/release/v${version}/node-v${version}-headers.tar.gz…`);
const officialNode = (version = "24.1.0"): LayerEntry[] => [
  { type: "file", path: "usr/local/bin/node", data: nodeBinary(version), mode: 0o755 },
];

async function index(tag: string, platforms: Platform[]): Promise<void> {
  const manifests = [];
  for (const platform of platforms) manifests.push(await image(platform, [officialNode()]));
  memory.manifest(
    REPOSITORY,
    { schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests },
    MEDIA_TYPES.ociIndex,
    tag,
  );
}

const fetch = (tag: string, platforms?: string[]) =>
  fetchBaseImage({ reference: parseImageReference(`${memory.registry}/${REPOSITORY}:${tag}`), client, platforms });

describe("fetchBaseImage platforms", () => {
  const hub: Platform[] = [
    { os: "linux", architecture: "amd64" },
    { os: "linux", architecture: "arm", variant: "v7" },
    { os: "linux", architecture: "arm64", variant: "v8" },
    { os: "linux", architecture: "ppc64le" },
    { os: "linux", architecture: "s390x" },
    { os: "unknown", architecture: "unknown" },
  ];

  it("normalizes as OCI/containerd do: arm64 means arm64/v8, arm means arm/v7, aarch64 and x86_64 are aliases", () => {
    expect(normalizePlatform({ os: "linux", architecture: "arm64" })).toBe("linux/arm64/v8");
    expect(normalizePlatform({ os: "linux", architecture: "aarch64" })).toBe("linux/arm64/v8");
    expect(normalizePlatform({ os: "linux", architecture: "arm" })).toBe("linux/arm/v7");
    expect(normalizePlatform({ os: "linux", architecture: "x86_64" })).toBe("linux/amd64");
    expect(normalizePlatform({ os: "linux", architecture: "amd64", variant: "v1" })).toBe("linux/amd64");
  });

  it("matches --platform linux/arm64 to the index's linux/arm64/v8 entry", async () => {
    await index("hub", hub);
    const base = await fetch("hub", ["linux/arm64"]);
    expect(base.images.map((i) => formatPlatform(i.platform))).toEqual(["linux/arm64/v8"]);
    expect((await fetch("hub", ["linux/arm"])).images.map((i) => formatPlatform(i.platform))).toEqual(["linux/arm/v7"]);
  });

  it("defaults to linux/amd64 and linux/arm64 of a Docker Hub style index; all takes every platform", async () => {
    await index("hub", hub);
    expect((await fetch("hub")).images.map((i) => formatPlatform(i.platform))).toEqual([
      "linux/amd64",
      "linux/arm64/v8",
    ]);
    expect((await fetch("hub", ["all"])).images).toHaveLength(5);
  });

  it("lists what the base offers when no platform matches", async () => {
    await index("hub", hub);
    const error = await fetch("hub", ["linux/riscv64"]).catch((e: unknown) => e);
    expect(isKontinueError(error, "BUILD_NO_PLATFORM")).toBe(true);
    expect((error as Error).message).toContain(
      'has no image for platform "linux/riscv64"; it offers "linux/amd64", "linux/arm/v7", "linux/arm64/v8", ' +
        '"linux/ppc64le", "linux/s390x"',
    );
  });
});

describe("fetchBaseImage digests", () => {
  it("rejects a manifest whose bytes do not match the digest asked for or listed in the index", async () => {
    const amd = await image({ os: "linux", architecture: "amd64" }, [officialNode()], undefined, "single");
    const pinned = parseImageReference(`${memory.registry}/${REPOSITORY}@${amd.digest}`);
    expect((await fetchBaseImage({ reference: pinned, client })).images).toHaveLength(1);
    memory.manifest(
      REPOSITORY,
      { schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: [amd] },
      MEDIA_TYPES.ociIndex,
      "tampered",
    );
    const other = jsonBlob(
      { schemaVersion: 2, mediaType: MEDIA_TYPES.ociManifest, config: amd, layers: [] },
      MEDIA_TYPES.ociManifest,
    );
    memory.override(`/v2/${REPOSITORY}/manifests/${amd.digest}`, other.data, MEDIA_TYPES.ociManifest);
    for (const reference of [pinned, parseImageReference(`${memory.registry}/${REPOSITORY}:tampered`)]) {
      const error = await fetchBaseImage({ reference, client }).catch((e: unknown) => e);
      expect(isKontinueError(error, "BUILD_BASE_DIGEST_MISMATCH")).toBe(true);
      expect((error as Error).message).toContain(`whose digest is ${other.descriptor.digest}, not ${amd.digest}`);
    }
  });
});

describe("inspectBaseNode", () => {
  async function node(layers: LayerEntry[][], env?: string[], entrypoint?: string[]) {
    const descriptor = await image(
      { os: "linux", architecture: "amd64" },
      layers,
      env,
      `node-${Math.random().toString(36).slice(2)}`,
    );
    const base = await fetchBaseImage({
      reference: parseImageReference(`${memory.registry}/${REPOSITORY}@${descriptor.digest}`),
      client,
    });
    const platformImage = base.images[0]!;
    if (entrypoint) platformImage.config.config.Entrypoint = entrypoint;
    return inspectBaseNode({
      image: platformImage,
      openLayer: (digest) => client.openBlob(REPOSITORY, digest),
      baseName: "base",
      minimum: "20.18",
    });
  }

  it("finds node on the image's PATH, and its version in the binary", async () => {
    expect(await node([officialNode("24.1.0")])).toEqual({ path: "/usr/local/bin/node", version: "24.1.0" });
  });

  it("finds distroless /nodejs/bin/node (no PATH entry for it), following a symlink", async () => {
    const layers: LayerEntry[][] = [
      [{ type: "file", path: "nodejs/bin/node-real", data: nodeBinary("22.11.0"), mode: 0o755 }],
      [{ type: "symlink", path: "nodejs/bin/node", target: "node-real" }],
    ];
    expect(
      await node(layers, ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], ["/nodejs/bin/node"]),
    ).toEqual({ path: "/nodejs/bin/node", version: "22.11.0" });
  });

  it("fails for a base without node, or whose upper layer deleted it", async () => {
    const none = await node([
      [{ type: "file", path: "etc/passwd", data: Buffer.from("root:x:0:0::/:/bin/sh\n") }],
    ]).catch((e: unknown) => e);
    expect(isKontinueError(none, "BUILD_BASE_NO_NODE")).toBe(true);
    expect((none as Error).message).toContain(
      "has no node binary: looked for /usr/local/bin/node, /usr/bin/node, /bin/node, /nodejs/bin/node",
    );
    const deleted = await node([
      officialNode(),
      [{ type: "file", path: "usr/local/bin/.wh.node", data: Buffer.alloc(0) }],
    ]).catch((e: unknown) => e);
    expect(isKontinueError(deleted, "BUILD_BASE_NO_NODE")).toBe(true);
  });

  it("fails for a Node older than the runtime's minimum", async () => {
    const error = await node([officialNode("18.20.4")]).catch((e: unknown) => e);
    expect(isKontinueError(error, "BUILD_BASE_NODE_TOO_OLD")).toBe(true);
    expect((error as Error).message).toContain(
      "has Node 18.20.4 at /usr/local/bin/node; the kontinue runtime needs Node 20.18 or newer",
    );
  });
});
