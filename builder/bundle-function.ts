// Bundles one Function: the worker entry plus the user's file and its node_modules, `kontinue` kept external.
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import type { BuildFailure, BuildResult, Plugin } from "esbuild";
import { BuildError } from "./build-error.ts";
import { bundleFailure } from "./bundle-diagnostics.ts";
import { hashFile, resolutionInputs } from "./bundle-inputs.ts";
import type { FunctionSource } from "./discover-functions.ts";
import type { LayerEntry } from "./layer.ts";
import { findNativePackages } from "./native-addons.ts";
import { nodeBundleOptions } from "./node-bundle-options.ts";

export interface FunctionBundle {
  /** `/app/index.mjs`. */
  code: Buffer;
  /** `/app/index.mjs.map`; sources relative to /app, so stack traces name the user's file. */
  map: Buffer;
  /**
   * Every input with its stamp (sources by sha256, plus resolutionInputs): what decides whether a cached bundle is
   * still valid.
   */
  inputs: Record<string, string>;
}

export interface BundleFunctionOptions {
  source: FunctionSource;
  /** Node major the bundle targets (the base image's). */
  nodeMajor: number;
}

/** The generated entry: load the definition, start the worker. */
export function workerEntry(source: FunctionSource): string {
  return [
    `import definition from ${JSON.stringify(`./${basename(source.file)}`)};`,
    `import { runWorkerFromEnv } from "kontinue";`,
    `await runWorkerFromEnv({ definition, functionName: ${JSON.stringify(source.functionName)} });`,
    "",
  ].join("\n");
}

export async function bundleFunction(options: BundleFunctionOptions): Promise<FunctionBundle> {
  const { source } = options;
  const dir = dirname(source.file);
  const native: string[] = [];
  const nativeAddonPlugin: Plugin = {
    name: "kontinue-native-addons",
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /\.node$/ }, (args) => {
        native.push(resolve(args.resolveDir, args.path));
        return { path: args.path, external: true };
      });
    },
  };
  // esbuild loads on the first bundle: a build whose bundles are all cached never needs it.
  const { build } = await import("esbuild");
  let result: BuildResult<{ metafile: true; write: false }>;
  try {
    result = await build({
      stdin: { contents: workerEntry(source), resolveDir: dir, sourcefile: "kontinue-worker-entry.mjs", loader: "js" },
      absWorkingDir: dir,
      ...nodeBundleOptions(options.nodeMajor),
      sourcesContent: true,
      outfile: join(dir, "index.mjs"),
      external: ["kontinue", "kontinue/*"],
      plugins: [nativeAddonPlugin],
    });
  } catch (error) {
    const failure = error as BuildFailure;
    if (Array.isArray(failure.errors)) throw bundleFailure(source, failure.errors, dir);
    throw error;
  }
  const inputPaths = Object.keys(result.metafile.inputs)
    .filter((p) => p !== "<stdin>" && !p.startsWith("kontinue-worker-entry"))
    .map((p) => (isAbsolute(p) ? p : resolve(dir, p)));
  const nativePackages = findNativePackages([...native, ...inputPaths]);
  if (nativePackages.length > 0) {
    const [first] = nativePackages;
    throw new BuildError(
      "BUILD_NATIVE_ADDON",
      `cannot bundle Function "${source.functionName}" (${basename(source.file)}): it imports "${first!.name}", a ` +
        `package with a native addon (${first!.why}); ` +
        `native code cannot be bundled into a portable image: use a pure-JavaScript alternative, or move that work ` +
        `to a service the Function calls`,
      { file: source.file },
    );
  }
  const code = result.outputFiles.find((f) => f.path.endsWith(".mjs"))!;
  const map = result.outputFiles.find((f) => f.path.endsWith(".map"))!;
  const inputs: Record<string, string> = await resolutionInputs(inputPaths);
  await Promise.all(inputPaths.map(async (path) => void (inputs[path] = await hashFile(path))));
  return { code: Buffer.from(code.contents), map: Buffer.from(map.contents), inputs };
}

/** The Function layer's files: the bundle, its source map, and a package.json making /app ESM. */
export function functionLayerEntries(bundle: Pick<FunctionBundle, "code" | "map">): LayerEntry[] {
  return [
    { type: "file", path: "app/index.mjs", data: bundle.code },
    { type: "file", path: "app/index.mjs.map", data: bundle.map },
    { type: "file", path: "app/package.json", data: Buffer.from('{"type":"module"}\n') },
  ];
}
