// Bundles the kontinue runtime with its dependencies into the shared runtime layer's package,
// `/app/node_modules/kontinue`: the same kontinue sources give the same bytes, hence one digest, whatever
// the install layout (npm hoisted or nested, pnpm's .pnpm store): the source map names each dependency
// file `node_modules/<package>/<file>` and each runtime file `src/<file>`, not where the install put them.
// `npm run build` leaves one such bundle in dist/runtime-image/, so a build with an empty cache does not bundle the
// ~1000 files of the runtime again (1–3 s on this machine).
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { hashFile, resolutionInputs } from "./bundle-inputs.ts";
import { nodeBundleOptions } from "./node-bundle-options.ts";
import type { LayerEntry } from "./layer.ts";

/** This package's folder. */
const PACKAGE_ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));

/** The runtime's entry in this package: the built `kontinue` export (`npm run build`), as published. */
export const RUNTIME_ENTRY = join(PACKAGE_ROOT, "dist/runtime/index.js");

/** Where `npm run build` writes the runtime bundle, beside a record of the entry it was bundled from. */
const PREBUILT_DIR = "dist/runtime-image";

/**
 * The Node the runtime bundle targets: the runtime's minimum (engines.node), which every accepted base runs, so one
 * bundle serves every base and can be made ahead at `npm run build`.
 */
export const RUNTIME_NODE_MAJOR = Number.parseInt(
  /(\d+)/.exec((createRequire(import.meta.url)("../package.json") as { engines: { node: string } }).engines.node)![1]!,
  10,
);

export interface RuntimeBundle {
  code: Buffer;
  map: Buffer;
  /** Absolute input paths with their sha256, for the cache. */
  inputs: Record<string, string>;
}

export interface BundleRuntimeOptions {
  nodeMajor: number;
  /** Default: this package's dist/runtime/index.js; another entry is `<package root>/runtime/index.ts`. */
  entry?: string;
  /** The package the entry belongs to (default: this one for the default entry, else two folders above it). */
  packageRoot?: string;
}

export async function bundleRuntime(options: BundleRuntimeOptions): Promise<RuntimeBundle> {
  const entry = options.entry ?? RUNTIME_ENTRY;
  const packageRoot = options.packageRoot ?? (options.entry === undefined ? PACKAGE_ROOT : dirname(dirname(entry)));
  const { build } = await import("esbuild");
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: packageRoot,
    ...nodeBundleOptions(options.nodeMajor),
    sourcesContent: false,
    outfile: `${packageRoot}/node_modules/kontinue/index.mjs`,
  });
  const files = Object.keys(result.metafile.inputs).map((path) => `${packageRoot}/${path}`);
  const inputs: Record<string, string> = await resolutionInputs(files);
  await Promise.all(files.map(async (path) => void (inputs[path] = await hashFile(path))));
  const outdir = `${packageRoot}/node_modules/kontinue`;
  const map = JSON.parse(Buffer.from(result.outputFiles.find((f) => f.path.endsWith(".map"))!.contents).toString()) as {
    sources: string[];
  };
  map.sources = map.sources.map((source) => layoutFreeSource(resolve(outdir, source), packageRoot));
  return {
    code: Buffer.from(result.outputFiles.find((f) => f.path.endsWith(".mjs"))!.contents),
    map: Buffer.from(JSON.stringify(map)),
    inputs,
  };
}

interface PrebuiltRecord {
  /** sha256 of the dist/runtime/index.js the bundle was made from. */
  entrySha256: string;
}

/** At `npm run build`: bundles `<packageRoot>/dist/runtime/index.js` into dist/runtime-image/; the paths written. */
export async function writePrebuiltRuntime(packageRoot: string): Promise<string[]> {
  const entry = join(packageRoot, "dist/runtime/index.js");
  const bundle = await bundleRuntime({ nodeMajor: RUNTIME_NODE_MAJOR, entry, packageRoot });
  const dir = join(packageRoot, PREBUILT_DIR);
  await mkdir(dir, { recursive: true });
  const record: PrebuiltRecord = { entrySha256: await hashFile(entry) };
  const files: Array<[string, Buffer | string]> = [
    [join(dir, "index.mjs"), bundle.code],
    [join(dir, "index.mjs.map"), bundle.map],
    [join(dir, "made-from.json"), `${JSON.stringify(record)}\n`],
  ];
  await Promise.all(files.map(([path, data]) => writeFile(path, data)));
  return files.map(([path]) => path);
}

/**
 * The runtime bundle for images: the one `npm run build` made when it was made from the dist/runtime/index.js there
 * now (dist rebuilt since without it, e.g. by a test, gives a fresh bundle instead), else bundled here.
 */
export async function loadRuntimeBundle(options: { packageRoot?: string } = {}): Promise<RuntimeBundle> {
  const packageRoot = options.packageRoot ?? PACKAGE_ROOT;
  const entry = join(packageRoot, "dist/runtime/index.js");
  const dir = join(packageRoot, PREBUILT_DIR);
  const codePath = join(dir, "index.mjs");
  const prebuilt = await Promise.all([
    readFile(join(dir, "made-from.json"), "utf8"),
    readFile(codePath),
    readFile(join(dir, "index.mjs.map")),
    hashFile(entry),
  ]).catch(() => undefined);
  if (prebuilt) {
    const [record, code, map, entrySha256] = prebuilt;
    if ((JSON.parse(record) as PrebuiltRecord).entrySha256 === entrySha256)
      return { code, map, inputs: { [entry]: entrySha256, [codePath]: await hashFile(codePath) } };
  }
  return bundleRuntime({ nodeMajor: RUNTIME_NODE_MAJOR, entry, packageRoot });
}

/** "node_modules/<package>/<file>" after the last node_modules of the path, else "src/<path in the package>". */
function layoutFreeSource(path: string, packageRoot: string): string {
  const parts = path.split(sep);
  const last = parts.lastIndexOf("node_modules");
  if (last !== -1) return ["node_modules", ...parts.slice(last + 1)].join("/");
  return `src/${relative(packageRoot, path).split(sep).join("/")}`;
}

/** The runtime layer's files: the bundle and a package.json whose exports point at it. */
export function runtimeLayerEntries(bundle: RuntimeBundle, version: string): LayerEntry[] {
  const pkg = {
    name: "kontinue",
    version,
    type: "module",
    main: "./index.mjs",
    exports: { ".": "./index.mjs", "./package.json": "./package.json" },
  };
  return [
    {
      type: "file",
      path: "app/node_modules/kontinue/package.json",
      data: Buffer.from(`${JSON.stringify(pkg, null, 2)}\n`),
    },
    { type: "file", path: "app/node_modules/kontinue/index.mjs", data: bundle.code },
    { type: "file", path: "app/node_modules/kontinue/index.mjs.map", data: bundle.map },
  ];
}
