// Reproducible image layers: a gzipped tar with fixed order, owners, modes and mtimes.
import { gzipSync } from "node:zlib";
import { pack } from "tar-stream";
import { createBlob, sha256Digest, type Blob } from "./blob.ts";
import { MEDIA_TYPES } from "./oci-types.ts";

export type LayerEntry =
  | { type: "file"; path: string; data: Buffer; mode?: number }
  | { type: "directory"; path: string; mode?: number }
  | { type: "symlink"; path: string; target: string };

export interface Layer {
  /** The gzipped tar, as pushed. */
  readonly blob: Blob;
  /** sha256 of the uncompressed tar (the config's rootfs.diff_ids entry). */
  readonly diffId: string;
}

export interface CreateLayerOptions {
  /** Seconds since the epoch written as every entry's mtime (default 0, or SOURCE_DATE_EPOCH). */
  mtime?: number;
  /** Owner of every entry (default 0:0). */
  uid?: number;
  gid?: number;
  /** gzip level (default 6, as Go's and ko's: level 9 costs ~6× the time for ~1% smaller layers). */
  gzipLevel?: number;
}

/** Seconds from SOURCE_DATE_EPOCH when set, else 0: the one timestamp of reproducible builds. */
export function sourceDateEpoch(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number.parseInt(env.SOURCE_DATE_EPOCH ?? "", 10);
  return Number.isFinite(value) && value >= 0 ? value : 0;
}

/** Builds a layer; parent directories are added, entries are sorted, so input order does not matter. */
export async function createLayer(entries: readonly LayerEntry[], options: CreateLayerOptions = {}): Promise<Layer> {
  const mtime = new Date((options.mtime ?? sourceDateEpoch()) * 1000);
  const byPath = new Map<string, LayerEntry>();
  for (const entry of entries) {
    const path = normalize(entry.path);
    for (const parent of parents(path))
      if (!byPath.has(parent)) byPath.set(parent, { type: "directory", path: parent });
    byPath.set(path, { ...entry, path });
  }
  const sorted = [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const raw = await packTar(sorted, { mtime, uid: options.uid ?? 0, gid: options.gid ?? 0 });
  return {
    blob: createBlob(reproducibleGzip(raw, options.gzipLevel), MEDIA_TYPES.ociLayerGzip),
    diffId: sha256Digest(raw),
  };
}

/** A tar of `entries` in the order given, every entry with the same mtime and owner. */
export async function packTar(
  entries: readonly LayerEntry[],
  options: { mtime: Date; uid: number; gid: number },
): Promise<Buffer> {
  const { mtime } = options;
  const owner = { uid: options.uid, gid: options.gid, uname: "", gname: "" };
  const tar = pack();
  const chunks: Buffer[] = [];
  tar.on("data", (chunk: unknown) => chunks.push(chunk as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    tar.on("end", resolve);
    tar.on("error", reject);
  });
  for (const entry of entries) {
    switch (entry.type) {
      case "file":
        tar.entry(
          { ...owner, name: entry.path, type: "file", mode: entry.mode ?? 0o644, mtime, size: entry.data.length },
          entry.data,
        );
        break;
      case "directory":
        tar.entry({ ...owner, name: `${entry.path}/`, type: "directory", mode: entry.mode ?? 0o755, mtime });
        break;
      case "symlink":
        tar.entry({ ...owner, name: entry.path, type: "symlink", linkname: entry.target, mode: 0o777, mtime });
        break;
      default: {
        const never: never = entry;
        throw new Error(`unknown layer entry ${JSON.stringify(never)}`);
      }
    }
  }
  tar.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** gzip with a fixed header (mtime 0, OS "Unix"), so every machine writes the same bytes. */
export function reproducibleGzip(data: Buffer, level = 6): Buffer {
  const gz = gzipSync(data, { level });
  gz.writeUInt32LE(0, 4);
  gz[9] = 3;
  return gz;
}

function normalize(path: string): string {
  return path.replace(/^\/+/, "").replace(/\/+$/, "");
}

function parents(path: string): string[] {
  const parts = path.split("/");
  return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join("/"));
}
