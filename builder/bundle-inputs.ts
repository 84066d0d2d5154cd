// Everything that decides a bundle besides its source files, as cache inputs: the config files esbuild
// reads on the way (package.json, tsconfig.json, jsconfig.json in every folder from an input up to the
// root, present or absent), the listing of every folder holding an input (a new `util.ts` beside
// `util.js` changes what `./util` resolves to), and of every `node_modules` on the way (a package
// installed nearer changes what a bare import resolves to).
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";

/** A stamp for an input that must stay absent. */
export const ABSENT = "absent";
/** Prefix of a folder listing's stamp. */
export const LISTING = "listing:";

export async function hashFile(path: string): Promise<string> {
  return createHash("sha256")
    .update(await readFile(path))
    .digest("hex");
}

const CONFIG_FILES = ["package.json", "tsconfig.json", "jsconfig.json"];

/** The stamp of one path: a file's sha256, "listing:<sha256 of sorted names>" for a folder, "absent". */
export async function stampOf(path: string, kind: "file" | "listing"): Promise<string> {
  try {
    if (kind === "listing") {
      return `${LISTING}${createHash("sha256")
        .update((await readdir(path)).sort().join("\n"))
        .digest("hex")}`;
    }
    return await hashFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return ABSENT;
    throw error;
  }
}

/** Stamps of the resolution inputs around `files` (absolute paths of a bundle's sources). */
export async function resolutionInputs(files: readonly string[]): Promise<Record<string, string>> {
  const wanted = new Map<string, "file" | "listing">();
  const seen = new Set<string>();
  for (const file of files) {
    wanted.set(dirname(file), "listing");
    for (let dir = dirname(file); !seen.has(dir); dir = dirname(dir)) {
      seen.add(dir);
      for (const name of CONFIG_FILES) wanted.set(join(dir, name), "file");
      wanted.set(join(dir, "node_modules"), "listing");
      if (dirname(dir) === dir) break;
    }
  }
  for (const file of files) wanted.delete(file);
  const stamps: Record<string, string> = {};
  await Promise.all([...wanted].map(async ([path, kind]) => void (stamps[path] = await stampOf(path, kind))));
  return stamps;
}
