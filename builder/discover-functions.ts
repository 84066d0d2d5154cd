// Finds the Function files of a folder: one Function per file, named after the file.
import { readdir } from "node:fs/promises";
import { basename, extname, join, resolve } from "node:path";
import { toResourceName } from "../crds/index.ts";
import { BuildError } from "./build-error.ts";

export interface FunctionSource {
  /** Logical name: the file name without extension ("processOrder"). */
  functionName: string;
  /** DNS-1123 form for resources and repositories ("process-order"). */
  resourceName: string;
  /** Absolute path of the file. */
  file: string;
}

const EXTENSIONS = new Set([".ts", ".mts", ".js", ".mjs"]);

/** `*.ts|mts|js|mjs` directly in `dir`; not tests (`*.test.*`), not `_`-prefixed helpers, not `*.d.ts`. */
export async function discoverFunctions(dir: string): Promise<FunctionSource[]> {
  const root = resolve(dir);
  let names: string[];
  try {
    names = (await readdir(root, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
  } catch (error) {
    throw new BuildError(
      "BUILD_NO_FUNCTIONS",
      `cannot read the Function folder ` +
        `"${dir}": ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; pass a folder of Function ` +
        `files`,
      { cause: error },
    );
  }
  const sources = names
    .filter(
      (name) =>
        EXTENSIONS.has(extname(name)) &&
        !name.startsWith("_") &&
        !name.startsWith(".") &&
        !/\.test\.|\.spec\.|\.d\.m?ts$/.test(name),
    )
    .sort()
    .map((name): FunctionSource => {
      const functionName = basename(name, extname(name));
      return { functionName, resourceName: toResourceName(functionName), file: join(root, name) };
    });
  if (sources.length === 0) {
    throw new BuildError(
      "BUILD_NO_FUNCTIONS",
      `no Function files in "${dir}": expected *.ts, *.mts, *.js or *.mjs files (not *.test.*, not _-prefixed); ` +
        `create one with "kontinue new"`,
    );
  }
  const byResource = new Map<string, FunctionSource>();
  for (const source of sources) {
    const clash = byResource.get(source.resourceName);
    if (clash) {
      throw new BuildError(
        "BUILD_DUPLICATE_FUNCTION",
        `Function files "${basename(clash.file)}" and "${basename(source.file)}" both map to the resource name ` +
          `"${source.resourceName}"; rename one of them`,
        { file: source.file },
      );
    }
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(source.resourceName) || source.resourceName.length > 63) {
      throw new BuildError(
        "BUILD_BAD_OPTIONS",
        `Function file "${basename(source.file)}" gives the resource name "${source.resourceName}", which is not a ` +
          `DNS-1123 label; rename the file to letters and digits`,
        { file: source.file },
      );
    }
    byResource.set(source.resourceName, source);
  }
  return sources;
}
