// Where a base image's Node lives and which version it is, read from its layers (top layer first,
// whiteouts honoured, symlinks followed): `node` on the image's PATH, distroless `/nodejs/bin/node`,
// or the base's own entrypoint. A base that cannot run the runtime is a build error, not a crash loop.
import { posix } from "node:path";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { extract } from "tar-stream";
import type { BasePlatformImage } from "./base-image.ts";
import type { BuildCache } from "./build-cache.ts";
import { BuildError } from "./build-error.ts";
import { formatPlatform } from "./oci-types.ts";

export interface BaseNode {
  /** Absolute path of the node binary in the image ("/usr/local/bin/node", "/nodejs/bin/node"). */
  path: string;
  /** "24.1.0". */
  version: string;
}

export interface InspectBaseNodeOptions {
  image: BasePlatformImage;
  /** Opens a base layer by digest. */
  openLayer: (digest: string) => Promise<Readable>;
  /** Subject for messages ("127.0.0.1:5000/base:1"). */
  baseName: string;
  /** The runtime's minimum Node version ("20.18"). */
  minimum: string;
  /** Results per base config digest (it names the layers' contents). */
  cache?: BuildCache;
}

const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
const DISTROLESS_NODE = "/nodejs/bin/node";
/** Node binaries name their release tarball: "node-v24.1.0.tar.gz", "node-v24.1.0-headers.tar.gz". */
const VERSION_MARK = Buffer.from("node-v");

type Entry =
  | { type: "file"; version: string | undefined }
  | { type: "symlink" | "link"; target: string }
  | { type: "other" };

export async function inspectBaseNode(options: InspectBaseNodeOptions): Promise<BaseNode> {
  const key = `base-node|${options.image.manifest.config.digest}`;
  const cached = await options.cache?.load<BaseNode>(key);
  const node = cached ?? (await scanBaseNode(options));
  if (!cached) await options.cache?.store(key, {}, node);
  if (compareVersions(node.version, options.minimum) < 0) {
    throw new BuildError(
      "BUILD_BASE_NODE_TOO_OLD",
      `base image "${options.baseName}" (${formatPlatform(options.image.platform)}) has Node ${node.version} ` +
        `at ${node.path}; the kontinue runtime needs Node ${options.minimum} or newer: pick a newer --base`,
    );
  }
  return node;
}

async function scanBaseNode(options: InspectBaseNodeOptions): Promise<BaseNode> {
  const { config } = options.image.config;
  const env = (name: string) => config.Env?.find((e) => e.startsWith(`${name}=`))?.slice(name.length + 1);
  const pathDirs = (env("PATH") ?? DEFAULT_PATH).split(":").filter((d) => d.startsWith("/"));
  const entrypoint = config.Entrypoint?.[0];
  const candidates = [
    ...(entrypoint && /\/node$/.test(entrypoint) ? [entrypoint] : []),
    ...pathDirs.map((d) => posix.join(d, "node")),
    DISTROLESS_NODE,
  ];
  const entries = new Map<string, Entry>();
  const hidden: Hidden = { paths: new Set(), deleted: new Set() };
  for (const layer of [...options.image.manifest.layers].reverse()) {
    await readLayer(await options.openLayer(layer.digest), entries, hidden);
  }
  for (const candidate of candidates) {
    const found = resolve(entries, candidate);
    if (found) {
      const version = found.version ?? env("NODE_VERSION")?.replace(/^v/, "");
      if (!version) {
        throw new BuildError(
          "BUILD_BASE_NO_NODE",
          `base image "${options.baseName}": cannot tell the version of ${candidate} (no release mark in the binary, ` +
            "no NODE_VERSION); use an official Node or distroless nodejs base",
        );
      }
      return { path: candidate, version };
    }
  }
  throw new BuildError(
    "BUILD_BASE_NO_NODE",
    `base image "${options.baseName}" (${formatPlatform(options.image.platform)}) has no node binary: looked for ` +
      `${candidates.join(", ")}; pick a base with Node ${options.minimum}+, ` +
      "e.g. docker.io/library/node:24-bookworm-slim or gcr.io/distroless/nodejs24-debian12",
  );
}

/** Follows symlinks and hard links to a regular file; undefined when the path does not exist. */
function resolve(entries: Map<string, Entry>, path: string): { version: string | undefined } | undefined {
  let current = posix.normalize(path);
  for (let hops = 0; hops < 16; hops++) {
    const entry = entries.get(current);
    if (!entry || entry.type === "other") return undefined;
    if (entry.type === "file") return { version: entry.version };
    // A hard link names a path in the archive; a symlink is relative to its folder (or absolute).
    current =
      entry.type === "link" ? posix.normalize(`/${entry.target}`) : posix.resolve(posix.dirname(current), entry.target);
  }
  return undefined;
}

/** What upper layers hide: the paths they have, and what their whiteouts deleted (with everything below). */
interface Hidden {
  paths: Set<string>;
  deleted: Set<string>;
}

/**
 * Records one layer's entries unless an upper layer hid them (whiteouts included); scans node-like files for their
 * version.
 */
function readLayer(stream: Readable, entries: Map<string, Entry>, hidden: Hidden): Promise<void> {
  const upper = new Set(hidden.paths);
  const deleted = [...hidden.deleted];
  return new Promise((done, fail) => {
    const tar = extract();
    tar.on("entry", (header, body, next) => {
      const path = posix.normalize(`/${header.name}`).replace(/\/$/, "") || "/";
      const base = posix.basename(path);
      body.on("error", fail);
      if (base.startsWith(".wh.")) {
        if (base !== ".wh..wh..opq") hidden.deleted.add(posix.join(posix.dirname(path), base.slice(4)));
        body.resume().on("end", next);
        return;
      }
      if (upper.has(path) || deleted.some((d) => path === d || path.startsWith(`${d}/`))) {
        body.resume().on("end", next);
        return;
      }
      hidden.paths.add(path);
      if (header.type === "symlink" || header.type === "link") {
        entries.set(path, { type: header.type, target: header.linkname ?? "" });
        body.resume().on("end", next);
      } else if (header.type === "file" || header.type === "contiguous-file") {
        // Files a node symlink may lead to: named node…, or in a bin folder.
        if (!base.startsWith("node") && !posix.dirname(path).endsWith("/bin")) {
          entries.set(path, { type: "file", version: undefined });
          body.resume().on("end", next);
          return;
        }
        scanVersion(body as unknown as Readable).then((version) => {
          entries.set(path, { type: "file", version });
          next();
        }, fail);
      } else {
        entries.set(path, { type: "other" });
        body.resume().on("end", next);
      }
    });
    tar.on("finish", () => done());
    tar.on("error", fail);
    stream.on("error", fail);
    const gunzip = createGunzip();
    gunzip.on("error", fail);
    stream.pipe(gunzip).pipe(tar);
  });
}

/** The first "node-vX.Y.Z" in a binary. */
function scanVersion(body: Readable): Promise<string | undefined> {
  return new Promise((done, fail) => {
    let tail = Buffer.alloc(0);
    let version: string | undefined;
    body.on("data", (chunk: Buffer) => {
      if (version) return;
      const window = Buffer.concat([tail, chunk]);
      for (let at = window.indexOf(VERSION_MARK); at !== -1; at = window.indexOf(VERSION_MARK, at + 1)) {
        const match = /^node-v(\d+\.\d+\.\d+)(?:-headers)?\.tar/.exec(window.subarray(at, at + 48).toString("latin1"));
        if (match) {
          version = match[1];
          break;
        }
      }
      tail = window.subarray(Math.max(0, window.length - 48));
    });
    body.on("end", () => done(version));
    body.on("error", fail);
  });
}

/** Compares dotted versions numerically ("20.9" < "20.18"). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
