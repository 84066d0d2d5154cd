// The builder against real registries (Debian's docker-registry on loopback): pushing, skipping,
// mounting, reproducibility across checkouts, skopeo/umoci acceptance, and the failure cases.
import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isKontinueError } from "../../runtime/index.ts";
import {
  BlobLocations,
  jsonBlob,
  MEDIA_TYPES,
  OciLayoutPublisher,
  RegistryClient,
  type ImageConfig,
  type ImageIndex,
  type ImageManifest,
} from "../../builder/index.ts";
import { nodeBaseImage, type NodeBaseImage } from "../fixtures/node-base-image.ts";
import { authRegistryFixture, registryFixture } from "../fixtures/services.ts";
import { removeTemporaryDirs, temporaryDir } from "../fixtures/temporary-dirs.ts";
import { copyFunctions, e2eBuild, uniquePrefix } from "./build-helpers.ts";

const run = promisify(execFile);
let registry: string;
let base: NodeBaseImage;
let client: RegistryClient;
/** Shared by tests where caching is not the subject. */
let sharedCache: string;

beforeAll(async () => {
  sharedCache = await temporaryDir("cache");
  registry = (await registryFixture()).registry;
  base = await nodeBaseImage();
  client = new RegistryClient({ registry, insecure: true });
});

const newCache = () => temporaryDir("cache");
afterAll(removeTemporaryDirs);

async function skopeo(...args: string[]): Promise<unknown> {
  const { stdout } = await run("skopeo", args, { maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout);
}

describe("kontinue build → registry", () => {
  it(
    "pushes one image per Function, pinned by digest; the base is mounted and the runtime layer uploaded once; " +
      "skopeo reads it",
    async () => {
      const dir = await copyFunctions();
      const prefix = uniquePrefix("push");
      const { built, publisher } = await e2eBuild({ dir, registry, prefix, cacheDir: sharedCache });
      expect(built.map((b) => b.reference)).toEqual([
        expect.stringMatching(new RegExp(`^${registry}/${prefix}/hello@sha256:[a-f0-9]{64}$`)),
        expect.stringMatching(new RegExp(`^${registry}/${prefix}/process-order@sha256:[a-f0-9]{64}$`)),
      ]);
      // Per function: its layer and config uploaded; the runtime layer once; base layers mounted.
      expect(publisher!.stats.uploadedBlobs).toBe(1 + 2 * built.length);
      expect(publisher!.stats.mountedBlobs).toBe(built.length + (built.length - 1));
      // Per function: the root under its build tag (rev-<revision id>) and under latest.
      expect(publisher!.stats.manifestsPut).toBe(2 * built.length);
      const digest = built[0]!.image.root.descriptor.digest;
      expect(await client.headManifest(`${prefix}/hello`, `rev-${digest.slice(7, 23)}`)).toBe(digest);
      expect(await client.headManifest(`${prefix}/hello`, "latest")).toBe(digest);
      const inspected = (await skopeo("inspect", "--tls-verify=false", `docker://${built[0]!.reference}`)) as {
        Digest: string;
        Labels: Record<string, string>;
        Layers: string[];
      };
      expect(inspected.Digest).toBe(built[0]!.image.root.descriptor.digest);
      expect(inspected.Labels["cloud.kontinue.function"]).toBe("hello");
      expect(inspected.Layers).toHaveLength(3);
      const config = (await skopeo(
        "inspect",
        "--tls-verify=false",
        "--config",
        `docker://${built[0]!.reference}`,
      )) as ImageConfig;
      expect(config.config.Entrypoint).toEqual(["/usr/local/bin/node", "--enable-source-maps", "/app/index.mjs"]);
      expect(config.config.User).toBe("65532");
      expect(config.created).toBe("1970-01-01T00:00:00Z");
      expect(built[0]!.layerSize).toBeLessThan(50 * 1024);
    },
  );

  it(
    "uploads no blob when nothing changed, and one layer (with its config) and one manifest when one file " + "changed",
    async () => {
      const dir = await copyFunctions();
      const prefix = uniquePrefix("skip");
      const cacheDir = await newCache();
      const first = await e2eBuild({ dir, registry, prefix, cacheDir });
      const again = await e2eBuild({ dir, registry, prefix, cacheDir });
      expect(again.publisher!.stats).toMatchObject({ uploadedBlobs: 0, mountedBlobs: 0, manifestsPut: 0 });
      expect(again.built.map((b) => b.reference)).toEqual(first.built.map((b) => b.reference));
      // A new --tag for the same images: the tag is written, no blob is sent.
      const tagged = await e2eBuild({ dir, registry, prefix, cacheDir, publisherOptions: { tag: "v2" } });
      expect(tagged.publisher!.stats).toMatchObject({ uploadedBlobs: 0, mountedBlobs: 0, manifestsPut: 2 });
      expect(await client.headManifest(`${prefix}/hello`, "v2")).toBe(first.built[0]!.image.root.descriptor.digest);
      const hello = join(dir, "hello.ts");
      await writeFile(hello, (await readFile(hello, "utf8")).replace("concurrency: 4", "concurrency: 6"));
      const changed = await e2eBuild({ dir, registry, prefix, cacheDir });
      const helloImage = changed.built[0]!.image.images[0]!;
      expect(changed.publisher!.stats.uploadedDigests.sort()).toEqual(
        [helloImage.layers.at(-1)!.digest, helloImage.config.descriptor.digest].sort(),
      );
      expect(changed.publisher!.stats.manifestsPut).toBe(2);
      expect(changed.built[0]!.settings.concurrency).toBe(6);
      expect(changed.built[1]!.reference).toBe(first.built[1]!.reference);
    },
  );

  it(
    "gives the same digests from two clean checkouts in different folders, at different commits, with a token in " +
      "the remote URL",
    async () => {
      const origin = await copyFunctions();
      const git = (cwd: string, ...args: string[]) =>
        run("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", ...args], { cwd });
      await git(origin, "init", "-q");
      await git(origin, "add", ".");
      await git(origin, "commit", "-qm", "functions");
      const checkouts = [await temporaryDir("checkout-a"), await temporaryDir("checkout-b")];
      const digests: string[][] = [];
      for (const [i, checkout] of checkouts.entries()) {
        await git(checkout, "clone", "-q", origin, "src");
        const src = join(checkout, "src");
        await git(src, "remote", "set-url", "origin", "https://ci:ghp_SECRET123@github.com/acme/functions.git");
        if (i === 1) {
          await writeFile(join(src, "NOTES.md"), "an unrelated change\n");
          await git(src, "add", ".");
          await git(src, "commit", "-qm", "unrelated");
        }
        const { built } = await e2eBuild({
          dir: src,
          registry,
          prefix: "reproducible",
          cacheDir: await newCache(),
          push: "dry-run",
        });
        digests.push(built.map((b) => b.image.root.descriptor.digest));
        const config = built[0]!.image.images[0]!.config.data.toString();
        expect(config).not.toContain("ghp_SECRET123");
        expect(config).not.toContain("org.opencontainers.image.revision");
        expect(config).not.toContain("github.com");
      }
      expect(digests[1]).toEqual(digests[0]);
    },
  );

  it("writes an OCI layout that umoci unpacks and skopeo inspects", async () => {
    const dir = await copyFunctions();
    const layout = join(await temporaryDir("layout"), "layout");
    await e2eBuild({
      dir,
      registry,
      prefix: "layout",
      cacheDir: sharedCache,
      push: "dry-run",
      publishers: [new OciLayoutPublisher({ dir: layout, imageName: (n) => `${registry}/layout/${n}` })],
    });
    const inspected = (await skopeo("inspect", `oci:${layout}:hello`)) as { Labels: Record<string, string> };
    expect(inspected.Labels["cloud.kontinue.function"]).toBe("hello");
    const bundle = join(await temporaryDir("umoci"), "bundle");
    await run("umoci", ["unpack", "--rootless", "--image", `${layout}:process-order`, bundle]);
    expect(await readFile(join(bundle, "rootfs/app/package.json"), "utf8")).toBe('{"type":"module"}\n');
    expect(await readFile(join(bundle, "rootfs/app/index.mjs"), "utf8")).toContain('functionName:"processOrder"');
    expect(
      JSON.parse(await readFile(join(bundle, "rootfs/app/node_modules/kontinue/package.json"), "utf8")),
    ).toMatchObject({ name: "kontinue", exports: { ".": "./index.mjs" } });
    const ociConfig = JSON.parse(await readFile(join(bundle, "config.json"), "utf8")) as {
      process: { user: { uid: number }; args: string[]; cwd: string };
    };
    expect(ociConfig.process.user.uid).toBe(65532);
    expect(ociConfig.process.args).toEqual(["/usr/local/bin/node", "--enable-source-maps", "/app/index.mjs"]);
    expect(ociConfig.process.cwd).toBe("/app");
  });

  it("builds one image per platform of a multi-platform base and pushes an index; --platform narrows it", async () => {
    const indexTag = await multiPlatformBase();
    const dir = await copyFunctions();
    const prefix = uniquePrefix("multi");
    const { built } = await e2eBuild({
      dir,
      registry,
      prefix,
      cacheDir: sharedCache,
      base: `${registry}/${base.repository}:${indexTag}`,
    });
    const pushed = JSON.parse(
      (await client.getManifest(`${prefix}/hello`, built[0]!.image.root.descriptor.digest)).data.toString(),
    ) as ImageIndex;
    expect(pushed.mediaType).toBe(MEDIA_TYPES.ociIndex);
    expect(pushed.manifests.map((m) => `${m.platform!.os}/${m.platform!.architecture}`)).toEqual([
      "linux/amd64",
      "linux/arm64",
    ]);
    const [amd64, arm64] = built[0]!.image.images;
    expect(amd64!.layers.at(-1)).toEqual(arm64!.layers.at(-1));
    const narrowed = await e2eBuild({
      dir,
      registry,
      prefix,
      cacheDir: sharedCache,
      push: "dry-run",
      base: `${registry}/${base.repository}:${indexTag}`,
      platforms: ["linux/arm64"],
    });
    expect(narrowed.built[0]!.image.images.map((i) => i.platform.architecture)).toEqual(["arm64"]);
    const error = await e2eBuild({
      dir,
      registry,
      prefix,
      cacheDir: sharedCache,
      push: "dry-run",
      base: `${registry}/${base.repository}:${indexTag}`,
      platforms: ["linux/s390x"],
    }).catch((e: unknown) => e);
    expect(isKontinueError(error, "BUILD_NO_PLATFORM")).toBe(true);
  });
});

describe("kontinue build → registry failures", () => {
  it(
    "pushes with basic credentials from the Docker config to the auth registry, copying base layers across " +
      "registries once, then mounting them across runs",
    async () => {
      const auth = await authRegistryFixture();
      const configDir = await temporaryDir("docker-config");
      await writeFile(
        join(configDir, "config.json"),
        JSON.stringify({
          auths: {
            [auth.registry]: {
              auth: Buffer.from(`${auth.credentials.username}:${auth.credentials.password}`).toString("base64"),
            },
          },
        }),
      );
      const previous = process.env.DOCKER_CONFIG;
      process.env.DOCKER_CONFIG = configDir;
      try {
        const dir = await copyFunctions();
        const locationsFile = join(await temporaryDir("locations"), "blob-locations.json");
        const publisherOptions = { locations: await BlobLocations.load(locationsFile) };
        const { built, publisher } = await e2eBuild({
          dir,
          registry: auth.registry,
          prefix: uniquePrefix("auth"),
          cacheDir: sharedCache,
          publisherOptions,
        });
        expect(built[0]!.reference.startsWith(`${auth.registry}/`)).toBe(true);
        expect(publisher!.stats.uploadedBlobs).toBeGreaterThan(2 * built.length);
        // A later run into new repositories mounts every blob from where the first run put it: no bytes sent.
        const later = await e2eBuild({
          dir,
          registry: auth.registry,
          prefix: uniquePrefix("auth"),
          cacheDir: sharedCache,
          publisherOptions: { locations: await BlobLocations.load(locationsFile) },
        });
        expect(later.publisher!.stats).toMatchObject({ uploadedBlobs: 0, uploadedBytes: 0 });
        expect(later.publisher!.stats.mountedBlobs).toBeGreaterThanOrEqual(publisher!.stats.uploadedBlobs);
        await skopeo(
          "inspect",
          "--tls-verify=false",
          "--creds",
          `${auth.credentials.username}:${auth.credentials.password}`,
          `docker://${built[1]!.reference}`,
        );
      } finally {
        if (previous === undefined) delete process.env.DOCKER_CONFIG;
        else process.env.DOCKER_CONFIG = previous;
      }
    },
  );

  it("fails with wrong credentials, naming the registry and the repository, and without them", async () => {
    const auth = await authRegistryFixture();
    const dir = await copyFunctions();
    const prefix = uniquePrefix("denied");
    const wrong = (r: string) =>
      new RegistryClient({
        registry: r,
        insecure: true,
        credentials: r === auth.registry ? { kind: "basic", username: "kontinue", password: "wrong" } : undefined,
      });
    const error = await e2eBuild({
      dir,
      registry: auth.registry,
      prefix,
      cacheDir: sharedCache,
      registryClient: wrong,
    }).catch((e: unknown) => e);
    expect(isKontinueError(error, "BUILD_REGISTRY_UNAUTHORIZED")).toBe(true);
    expect((error as Error).message).toMatch(
      new RegExp(
        `"${prefix}/(hello|process-order)" on "${auth.registry}": 401 unauthorized.*docker login ${auth.registry}`,
      ),
    );
    const anonymous = (r: string) => new RegistryClient({ registry: r, insecure: true, credentials: undefined });
    const again = await e2eBuild({
      dir,
      registry: auth.registry,
      prefix,
      cacheDir: sharedCache,
      registryClient: anonymous,
    }).catch((e: unknown) => e);
    expect(isKontinueError(again, "BUILD_REGISTRY_UNAUTHORIZED")).toBe(true);
  });

  it("fails clearly when the registry is unreachable", async () => {
    const dir = await copyFunctions();
    const error = await e2eBuild({ dir, registry: "127.0.0.1:5999", prefix: "nowhere", cacheDir: sharedCache }).catch(
      (e: unknown) => e,
    );
    expect(isKontinueError(error, "BUILD_REGISTRY_UNREACHABLE")).toBe(true);
    expect((error as Error).message).toMatch(/cannot reach registry "127\.0\.0\.1:5999" .*ECONNREFUSED/);
  });

  it("fails naming the base image when it does not exist, and pushes nothing", async () => {
    const dir = await copyFunctions();
    const prefix = uniquePrefix("nobase");
    const error = await e2eBuild({
      dir,
      registry,
      prefix,
      cacheDir: sharedCache,
      base: `${registry}/kontinue-test/no-such-base:1`,
    }).catch((e: unknown) => e);
    expect(isKontinueError(error, "BUILD_IMAGE_NOT_FOUND")).toBe(true);
    expect((error as Error).message).toMatch(
      new RegExp(`"kontinue-test/no-such-base" on "${registry}": 404 not found`),
    );
    expect(await client.headManifest(`${prefix}/hello`, "latest")).toBeUndefined();
  });

  it("writes no manifest when one Function's default export is not defineFunction(...)", async () => {
    const dir = await copyFunctions();
    await writeFile(join(dir, "plain.ts"), "export default {\n  async run() {\n    return 1;\n  },\n};\n");
    const prefix = uniquePrefix("plain");
    const error = await e2eBuild({ dir, registry, prefix, cacheDir: sharedCache }).catch((e: unknown) => e);
    expect(isKontinueError(error, "BUILD_NOT_A_FUNCTION_DEFINITION")).toBe(true);
    expect((error as Error).message).toMatch(/^plain\.ts:1: the default export is an object, not defineFunction/);
    for (const name of ["hello", "process-order", "plain"])
      expect(await client.headManifest(`${prefix}/${name}`, "latest")).toBeUndefined();
  });

  it("pushes nothing when one Function of the folder is broken", async () => {
    const dir = await copyFunctions();
    await writeFile(
      join(dir, "broken.ts"),
      'import { defineFunction } from "kontinue";\nexport default defineFunction({ run() { return 1 +; } });\n',
    );
    const prefix = uniquePrefix("broken");
    const error = await e2eBuild({ dir, registry, prefix, cacheDir: sharedCache }).catch((e: unknown) => e);
    expect(isKontinueError(error, "BUILD_BUNDLE_FAILED")).toBe(true);
    expect((error as Error).message).toMatch(/broken\.ts:2:\d+/);
    expect(await client.headManifest(`${prefix}/hello`, "latest")).toBeUndefined();
    expect(await client.hasBlob(`${prefix}/hello`, base.digest)).toBe(false);
  });
});

/** Pushes an index of the node base for linux/amd64 and (the same files, labelled) linux/arm64; returns its tag. */
async function multiPlatformBase(): Promise<string> {
  const manifest = JSON.parse(
    (await client.getManifest(base.repository, base.digest)).data.toString(),
  ) as ImageManifest;
  const config = JSON.parse((await client.getBlob(base.repository, manifest.config.digest)).toString()) as ImageConfig;
  const armConfig = jsonBlob({ ...config, architecture: "arm64" }, MEDIA_TYPES.ociConfig);
  if (!(await client.hasBlob(base.repository, armConfig.descriptor.digest)))
    await client.uploadBlob(base.repository, armConfig.descriptor.digest, armConfig.data);
  const armManifest = jsonBlob({ ...manifest, config: armConfig.descriptor }, MEDIA_TYPES.ociManifest);
  await client.putManifest(base.repository, armManifest.descriptor.digest, armManifest.data, MEDIA_TYPES.ociManifest);
  const amdSize = (await client.getManifest(base.repository, base.digest)).data.length;
  const index = jsonBlob(
    {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociIndex,
      manifests: [
        {
          mediaType: MEDIA_TYPES.ociManifest,
          digest: base.digest,
          size: amdSize,
          platform: { os: "linux", architecture: "amd64" },
        },
        { ...armManifest.descriptor, platform: { os: "linux", architecture: "arm64" } },
      ],
    },
    MEDIA_TYPES.ociIndex,
  );
  const tag = `multi-${base.digest.slice(7, 19)}`;
  await client.putManifest(base.repository, tag, index.data, MEDIA_TYPES.ociIndex);
  return tag;
}
