// `npm run build`: the published package in dist/ — one ESM bundle per entry (the CLI, `kontinue`,
// `kontinue/client`) sharing split chunks, dependencies external, with source maps; then `.d.ts` types.
// Dynamic imports stay separate chunks, so each command loads only what it uses.
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { build, transform, type Metafile, type Plugin } from "esbuild";
import { flattenBarrelImports, type ResolveImport } from "./barrel-imports.ts";
import { emitDeclarations } from "./emit-declarations.ts";

/** Entries as `<folder>/index.ts`; each lands at `dist/<folder>/index.js`. A missing one is skipped. */
export const DIST_ENTRIES = [
  "cli/index.ts",
  "runtime/index.ts",
  "client/index.ts",
  // What `kontinue install` bundles into the controller image, from dist/ where no sources are published.
  "cli/install-controller-entry.ts",
] as const;

/** The entries whose types are published (the CLI has none). */
const TYPED_ENTRIES = ["runtime/index.ts", "client/index.ts"] as const;

/** Bundled CommonJS (commander) calls `require` for Node's built-in modules. */
const REQUIRE_SHIM =
  'import{createRequire as __kontinueCreateRequire}from"node:module";' +
  "const require=__kontinueCreateRequire(import.meta.url);";

/**
 * Dependencies bundled into dist/ instead of loaded from node_modules, for start-up time (measured on this
 * 2-core machine): commander, which every command loads first, starts without Node's CommonJS loader
 * (about 20 ms of `kontinue --version`); @kubernetes/client-node's KubeConfig alone imports some thousand
 * files, 1.4–2.5 s, and bundled (tree-shaken, one file) about 0.6 s. Both stay dependencies for the types.
 * tar-stream too: client-node's bundled CommonJS requires it, and a `require` left in dist is one that the image
 * builder's runtime bundle (made from dist) cannot follow, so the image would lack it (see requiresLeftIn).
 * yaml as its ES module build (ESM_BUILDS): Node's `yaml` is CommonJS, some 60 files through the CommonJS loader.
 */
const BUNDLED_DEPENDENCIES = new Set(["commander", "@kubernetes/client-node", "tar-stream", "yaml"]);

const PACKAGE_ROOT = fileURLToPath(new URL("..", import.meta.url));

export interface BuildDistOptions {
  /** The package folder. Default: this checkout. */
  root?: string;
  /** "js": the bundles only (what the CLI runs; tests build this); "all": also the `.d.ts` types. */
  emit?: "js" | "all";
}

export interface BuildDistResult {
  files: string[];
  /** esbuild's account of the bundles: which output imports what, statically or on use. */
  metafile: Metafile;
  jsMs: number;
  typesMs?: number;
}

export async function buildDist(options: BuildDistOptions = {}): Promise<BuildDistResult> {
  const root = resolve(options.root ?? PACKAGE_ROOT);
  const outdir = join(root, "dist");
  const started = performance.now();
  const entryPoints = DIST_ENTRIES.filter((entry) => existsSync(join(root, entry))).map((entry) => join(root, entry));
  const result = await build({
    entryPoints,
    absWorkingDir: root,
    outdir,
    outbase: root,
    entryNames: "[dir]/[name]",
    chunkNames: "chunks/[name]-[hash]",
    bundle: true,
    splitting: true,
    // Dependencies stay external except BUNDLED_DEPENDENCIES.
    external: externalDependencies(root),
    banner: { js: REQUIRE_SHIM },
    platform: "node",
    format: "esm",
    target: "node20.18",
    sourcemap: "linked",
    sourcesContent: false,
    legalComments: "none",
    write: false,
    logLevel: "silent",
    metafile: true,
    plugins: [standIns(), sourceTransforms(root)],
  });
  const files = result.outputFiles.map((file) => file.path);
  const left = requiresLeftIn(result.outputFiles, externalDependencies(root));
  if (left.length > 0)
    throw new Error(
      `dist/ would require ${left.join(", ")} at run time from bundled CommonJS, which a Function image's runtime ` +
        "bundle cannot follow; add them to BUNDLED_DEPENDENCIES in scripts/build-dist.ts",
    );
  await Promise.all(result.outputFiles.map((file) => writeAtomically(file.path, file.contents)));
  await removeStale(outdir, new Set(files));
  // After dist/runtime/index.js is written: Function images carry a bundle of it, made once here rather than at the
  // first build of every machine's empty cache.
  const { writePrebuiltRuntime } = await import("../builder/runtime-bundle.ts");
  files.push(...(await writePrebuiltRuntime(root)));
  const jsMs = performance.now() - started;
  const { metafile } = result;
  if (options.emit !== "all") return { files, metafile, jsMs };
  const typesStarted = performance.now();
  files.push(...(await emitDeclarations({ root, outdir, entries: TYPED_ENTRIES })));
  return { files, metafile, jsMs, typesMs: performance.now() - typesStarted };
}

/** External packages that bundled CommonJS code loads through esbuild's `__require` (invisible to a later bundle). */
function requiresLeftIn(outputs: readonly { path: string; text: string }[], external: readonly string[]): string[] {
  const names = new Set(external);
  const found = new Set<string>();
  for (const output of outputs) {
    if (!output.path.endsWith(".js")) continue;
    for (const [, name] of output.text.matchAll(/__require\("([^"]+)"\)/g)) if (names.has(name!)) found.add(name!);
  }
  return [...found].sort();
}

function externalDependencies(root: string): string[] {
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  const names = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies });
  return names.filter((name) => !BUNDLED_DEPENDENCIES.has(name)).flatMap((name) => [name, `${name}/*`]);
}

/**
 * Stand-ins for modules bundled code imports but never calls on Node: node-fetch takes `URL` from Node's `url`
 * module and whatwg-url (with tr46's 300 kB table, some 40 ms of every cluster command) only where that lacks it.
 */
const STAND_INS: readonly { module: RegExp; importer: RegExp; contents: string }[] = [
  {
    module: /^whatwg-url$/,
    importer: /[\\/]node_modules[\\/]node-fetch[\\/]/,
    contents: "module.exports = { URL: globalThis.URL, URLSearchParams: globalThis.URLSearchParams };",
  },
];

/** Packages bundled from their ES module build, which their `exports` give only to bundlers for browsers. */
const ESM_BUILDS: Record<string, string> = { yaml: "browser/index.js" };

/** The STAND_INS, for the importers they name, and the ESM_BUILDS. */
function standIns(): Plugin {
  return {
    name: "stand-ins",
    setup(pluginBuild) {
      for (const [index, { module, importer }] of STAND_INS.entries()) {
        pluginBuild.onResolve({ filter: module }, (args) =>
          importer.test(args.importer) ? { path: String(index), namespace: "stand-in" } : undefined,
        );
      }
      const packageRequire = createRequire(join(pluginBuild.initialOptions.absWorkingDir!, "package.json"));
      for (const [name, file] of Object.entries(ESM_BUILDS)) {
        const path = join(dirname(packageRequire.resolve(`${name}/package.json`)), file);
        pluginBuild.onResolve({ filter: new RegExp(`^${name}$`) }, () => ({ path }));
      }
      pluginBuild.onLoad({ filter: /.*/, namespace: "stand-in" }, ({ path }) => ({
        contents: STAND_INS[Number(path)]!.contents,
        loader: "js",
      }));
    },
  };
}

/** client-node's own files, whose imports of one another are flattened too (its index re-exports its barrels). */
const CLIENT_NODE_FILE = /[\\/]node_modules[\\/]@kubernetes[\\/]client-node[\\/]/;

/**
 * What the bundler reads: client-node imports flattened (scripts/barrel-imports.ts), and `import.meta.url`
 * located at the source. Every output file sits two folders below the package root (dist/cli/index.js,
 * dist/chunks/…), so a source's `import.meta.url` becomes its own location in the package: `new URL(
 * "../package.json", import.meta.url)` in cli/program.ts still names the package's package.json once bundled.
 */
function sourceTransforms(root: string): Plugin {
  return {
    name: "source-transforms",
    setup(pluginBuild) {
      // client-node's files import one another by relative path, with the extension.
      const resolveImport: ResolveImport = async (specifier, importer) => {
        if (specifier.startsWith(".")) return resolve(dirname(importer), specifier);
        if (specifier !== "@kubernetes/client-node") return undefined;
        const found = await pluginBuild.resolve(specifier, {
          kind: "import-statement",
          importer,
          resolveDir: dirname(importer),
        });
        return found.errors.length > 0 || found.external ? undefined : found.path;
      };
      pluginBuild.onLoad({ filter: /\.[jt]s$/ }, async ({ path }) => {
        const inClientNode = CLIENT_NODE_FILE.test(path);
        if (path.includes(`${sep}node_modules${sep}`) && !inClientNode) return undefined;
        const source = await readFile(path, "utf8");
        const loader = path.endsWith(".ts") ? "ts" : "js";
        let code = source;
        if (inClientNode || source.includes("@kubernetes/client-node"))
          code = await flattenBarrelImports({
            path,
            source,
            inScope: (file) => CLIENT_NODE_FILE.test(file),
            resolveImport,
          });
        if (!inClientNode && code.includes("import.meta.url")) {
          const fromOutput = `../../${relative(root, path).split(sep).join("/")}`;
          const transformed = await transform(code, {
            loader,
            format: "esm",
            sourcefile: path,
            sourcemap: "inline",
            define: { "import.meta.url": "__kontinueSourceUrl" },
          });
          if (transformed.code.includes("__kontinueSourceUrl")) {
            const header = `const __kontinueSourceUrl = new URL(${JSON.stringify(fromOutput)}, import.meta.url).href;`;
            return { contents: `${header}${transformed.code}`, loader: "js", resolveDir: dirname(path) };
          }
        }
        return code === source ? undefined : { contents: code, loader, resolveDir: dirname(path) };
      });
    },
  };
}

/** Readers (a test's CLI process) see the old file or the new one, never half of one. */
async function writeAtomically(path: string, contents: Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, contents);
  await rename(temporary, path);
}

/** Bundles and maps left by an earlier build (an old chunk's hash); types are emitted over in place. */
async function removeStale(outdir: string, current: Set<string>): Promise<void> {
  const entries = await readdir(outdir, { recursive: true, withFileTypes: true });
  const stale = entries
    .filter((entry) => entry.isFile() && /\.js(\.map)?$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((path) => !current.has(path));
  await Promise.all(stale.map((path) => rm(path, { force: true })));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const emit = process.argv.includes("--js-only") ? "js" : "all";
  const { files, jsMs, typesMs } = await buildDist({ emit });
  const types = typesMs === undefined ? "" : `, types in ${Math.round(typesMs)} ms`;
  process.stdout.write(`dist/: ${files.length} files; bundles in ${Math.round(jsMs)} ms${types}\n`);
}
