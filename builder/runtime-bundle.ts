// Bundles the kontinue runtime with its dependencies into the shared runtime layer's package,
// `/app/node_modules/kontinue`: the same kontinue sources give the same bytes, hence one digest, whatever
// the install layout (npm hoisted or nested, pnpm's .pnpm store): the source map names each dependency
// file `node_modules/<package>/<file>` and each runtime file `src/<file>`, not where the install put them.
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { hashFile, resolutionInputs } from "./bundle-inputs.ts";
import { nodeBundleOptions } from "./node-bundle-options.ts";
import type { LayerEntry } from "./layer.ts";

/** This package's folder. */
const PACKAGE_ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));

/** The runtime's entry in this package: the built `kontinue` export (`npm run build`), as published. */
export const RUNTIME_ENTRY = join(PACKAGE_ROOT, "dist/runtime/index.js");

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
}

export async function bundleRuntime(options: BundleRuntimeOptions): Promise<RuntimeBundle> {
  const entry = options.entry ?? RUNTIME_ENTRY;
  const packageRoot = options.entry === undefined ? PACKAGE_ROOT : dirname(dirname(entry));
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
