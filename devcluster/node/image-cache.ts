// Images pulled for process mode: manifest, config and layers read from the registry with the builder's
// client, each layer unpacked once under the cache, each image's root filesystem assembled from hard links.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { MEDIA_TYPES, parseImageReference } from "../../builder/index.ts";
import type { ImageConfig, ImageIndex, ImageManifest } from "../../builder/index.ts";
import { registryClientFor } from "./registry-access.ts";

export interface CachedImage {
  rootfs: string;
  config: ImageConfig;
  /** `<registry>/<repository>@<manifest digest>`. */
  imageID: string;
}

export interface ImageCacheOptions {
  directory: string;
  insecureRegistries: readonly string[];
}

const goArch: Record<string, string> = { x64: "amd64", arm64: "arm64", arm: "arm" };

function run(command: string, args: string[], input?: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: [input ? "pipe" : "ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} failed (${code}): ${stderr.trim()}`)),
    );
    if (input) pipeline(input, child.stdin!).catch(reject);
  });
}

/** Applies an unpacked layer's whiteouts (`.wh.<name>` deletes `<name>`, `.wh..wh..opq` empties its folder). */
async function applyWhiteouts(rootfs: string, directory = rootfs): Promise<void> {
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.name === ".wh..wh..opq") {
      await rm(path, { force: true });
    } else if (entry.name.startsWith(".wh.")) {
      await rm(join(directory, entry.name.slice(4)), { recursive: true, force: true });
      await rm(path, { force: true });
    } else if (entry.isDirectory()) {
      await applyWhiteouts(rootfs, path);
    }
  }
}

export class ImageCache {
  readonly #options: ImageCacheOptions;
  readonly #pending = new Map<string, Promise<CachedImage>>();
  /**
   * Layers being unpacked, by digest: Function images share their runtime layer, and two pulls unpacking it at once
   * (into one temporary folder, then each replacing the other's result) left images without it.
   */
  readonly #unpacking = new Map<string, Promise<string>>();

  constructor(options: ImageCacheOptions) {
    this.#options = options;
  }

  /** Resolves the reference again each time (a tag may move); unpacks only what is not cached yet. */
  pull(reference: string): Promise<CachedImage> {
    let pending = this.#pending.get(reference);
    if (!pending) {
      pending = this.#pull(reference);
      this.#pending.set(reference, pending);
      const forget = () => this.#pending.delete(reference);
      pending.then(forget, forget);
    }
    return pending;
  }

  async #pull(reference: string): Promise<CachedImage> {
    const parsed = parseImageReference(reference);
    const client = registryClientFor(parsed.registry, this.#options.insecureRegistries);
    let fetched = await client.getManifest(parsed.repository, parsed.digest ?? parsed.tag ?? "latest");
    if (fetched.mediaType === MEDIA_TYPES.ociIndex || fetched.mediaType === MEDIA_TYPES.dockerManifestList) {
      const index = JSON.parse(fetched.data.toString("utf8")) as ImageIndex;
      const wanted = goArch[process.arch] ?? process.arch;
      const entry = index.manifests.find(
        (candidate) => candidate.platform?.os === "linux" && candidate.platform.architecture === wanted,
      );
      if (!entry)
        throw new Error(`image "${reference}" has no linux/${wanted} manifest; build it for this machine's platform`);
      fetched = await client.getManifest(parsed.repository, entry.digest);
    }
    const manifest = JSON.parse(fetched.data.toString("utf8")) as ImageManifest;
    const config = JSON.parse(
      (await client.getBlob(parsed.repository, manifest.config.digest)).toString("utf8"),
    ) as ImageConfig;
    const imageID = `${parsed.registry}/${parsed.repository}@${fetched.digest}`;
    const rootfs = join(this.#options.directory, "images", fetched.digest.replace(":", "-"));
    if (existsSync(`${rootfs}.done`)) return { rootfs, config, imageID };
    const layers: string[] = [];
    for (const layer of manifest.layers) {
      let unpacked = this.#unpacking.get(layer.digest);
      if (!unpacked) {
        unpacked = this.#unpack(layer, () => client.openBlob(parsed.repository, layer.digest));
        this.#unpacking.set(layer.digest, unpacked);
        const forget = () => this.#unpacking.delete(layer.digest);
        unpacked.then(forget, forget);
      }
      layers.push(await unpacked);
    }
    const temporary = `${rootfs}.${process.pid}.${randomUUID()}.tmp`;
    await rm(temporary, { recursive: true, force: true });
    await mkdir(temporary, { recursive: true });
    for (const layer of layers) {
      await run("cp", ["-al", "--remove-destination", `${layer}/.`, `${temporary}/`]);
      await applyWhiteouts(temporary);
    }
    await mkdir(dirname(rootfs), { recursive: true });
    await rm(rootfs, { recursive: true, force: true });
    await rename(temporary, rootfs);
    await writeFile(`${rootfs}.done`, "");
    return { rootfs, config, imageID };
  }

  /** A layer's folder, unpacked once (a `.done` marker says it is whole). */
  async #unpack(
    layer: { digest: string; mediaType: string },
    open: () => Promise<NodeJS.ReadableStream>,
  ): Promise<string> {
    const directory = join(this.#options.directory, "layers", layer.digest.replace(":", "-"));
    if (existsSync(`${directory}.done`)) return directory;
    const temporary = `${directory}.${process.pid}.${randomUUID()}.tmp`;
    await mkdir(temporary, { recursive: true });
    const gzip = layer.mediaType.endsWith("gzip");
    await run("tar", [gzip ? "-xzf" : "-xf", "-", "-C", temporary, "--no-same-owner"], await open());
    await rm(directory, { recursive: true, force: true });
    await rename(temporary, directory);
    await writeFile(`${directory}.done`, "");
    return directory;
  }
}
