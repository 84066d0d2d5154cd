// The incremental build cache: a value stored with the inputs it came from, valid while every input is
// unchanged (size+mtime first, then content hash, like git's index). An input is a file (its sha256), a
// folder (its listing) or a path that must stay absent; see bundle-inputs.ts.
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { createHash } from "node:crypto";
import { homedir } from "node:os";
import { join } from "node:path";
import { ABSENT, LISTING, stampOf } from "./bundle-inputs.ts";

interface InputStamp {
  size: number;
  mtimeMs: number;
  sha256: string;
}

interface CacheRecord<T> {
  inputs: Record<string, InputStamp>;
  value: T;
}

export interface BuildCacheOptions {
  /** Default: $XDG_CACHE_HOME/kontinue/build or ~/.cache/kontinue/build. */
  dir?: string;
}

export class BuildCache {
  readonly dir: string;

  constructor(options: BuildCacheOptions = {}) {
    this.dir = options.dir ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "kontinue", "build");
  }

  /** The stored value when all its inputs are unchanged, else undefined. */
  async load<T>(key: string): Promise<T | undefined> {
    let record: CacheRecord<T>;
    try {
      record = JSON.parse(await readFile(this.path(key), "utf8")) as CacheRecord<T>;
    } catch {
      return undefined;
    }
    const checks = await Promise.all(Object.entries(record.inputs).map(([path, stamp]) => unchanged(path, stamp)));
    return checks.every(Boolean) ? record.value : undefined;
  }

  /** Stores `value` with the inputs (path → sha256, "listing:…" or "absent") it was made from. */
  async store<T>(key: string, inputs: Record<string, string>, value: T): Promise<void> {
    const stamps: Record<string, InputStamp> = {};
    await Promise.all(
      Object.entries(inputs).map(async ([path, sha256]) => {
        const info = sha256 === ABSENT ? undefined : await stat(path);
        stamps[path] = { size: info?.size ?? -1, mtimeMs: info?.mtimeMs ?? -1, sha256 };
      }),
    );
    await mkdir(this.dir, { recursive: true });
    const file = this.path(key);
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify({ inputs: stamps, value } satisfies CacheRecord<T>));
    await rename(temporary, file);
  }

  private path(key: string): string {
    return join(this.dir, `${createHash("sha256").update(key).digest("hex")}.json`);
  }
}

async function unchanged(path: string, stamp: InputStamp): Promise<boolean> {
  try {
    const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT" || error.code === "ENOTDIR") return undefined;
      throw error;
    });
    if (stamp.sha256 === ABSENT || !info) return stamp.sha256 === ABSENT && !info;
    const listing = stamp.sha256.startsWith(LISTING);
    if (!listing && info.size !== stamp.size) return false;
    if (info.mtimeMs === stamp.mtimeMs) return true;
    return (await stampOf(path, listing ? "listing" : "file")) === stamp.sha256;
  } catch {
    return false;
  }
}
