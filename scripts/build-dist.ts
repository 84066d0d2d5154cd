// `npm run build`: the published package in dist/ — one ESM bundle per entry (the CLI, `kontinue`,
// `kontinue/client`) sharing split chunks, dependencies external, with source maps; then `.d.ts` types.
// Dynamic imports stay separate chunks, so each command loads only what it uses.
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { build, transform, type Metafile, type Plugin } from "esbuild";
import type ts from "typescript";

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
 */
const BUNDLED_DEPENDENCIES = new Set(["commander", "@kubernetes/client-node", "tar-stream"]);

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
    plugins: [sourceLocatedImportMeta(root)],
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
  files.push(...(await emitDeclarations(root, outdir)));
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
 * Every output file sits two folders below the package root (dist/cli/index.js, dist/chunks/…), so a
 * source's `import.meta.url` becomes its own location in the package: `new URL("../package.json",
 * import.meta.url)` in cli/program.ts still names the package's package.json once bundled.
 */
function sourceLocatedImportMeta(root: string): Plugin {
  return {
    name: "source-located-import-meta",
    setup(pluginBuild) {
      pluginBuild.onLoad({ filter: /\.ts$/ }, async ({ path }) => {
        if (path.includes(`${sep}node_modules${sep}`)) return undefined;
        const source = await readFile(path, "utf8");
        if (!source.includes("import.meta.url")) return undefined;
        const fromOutput = `../../${relative(root, path).split(sep).join("/")}`;
        const { code } = await transform(source, {
          loader: "ts",
          format: "esm",
          sourcefile: path,
          sourcemap: "inline",
          define: { "import.meta.url": "__kontinueSourceUrl" },
        });
        if (!code.includes("__kontinueSourceUrl")) return undefined;
        const header = `const __kontinueSourceUrl = new URL(${JSON.stringify(fromOutput)}, import.meta.url).href;`;
        return { contents: `${header}${code}`, loader: "js", resolveDir: dirname(path) };
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

/**
 * `.d.ts` files beside the bundles (dist/runtime/index.d.ts, dist/crds/…), from the checkout's own
 * compiler options. Relative `.ts` specifiers become `.js`, so any consumer's `tsc` resolves them.
 */
async function emitDeclarations(root: string, outdir: string): Promise<string[]> {
  const { default: ts } = await import("typescript");
  const configPath = join(root, "tsconfig.json");
  const config = ts.getParsedCommandLineOfConfigFile(configPath, undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
    },
  })!;
  const rootNames = TYPED_ENTRIES.map((entry) => join(root, entry)).filter((path) => existsSync(path));
  const program = ts.createProgram({
    rootNames,
    options: {
      ...config.options,
      noEmit: false,
      declaration: true,
      emitDeclarationOnly: true,
      noUnusedLocals: false,
      rootDir: root,
      outDir: outdir,
    },
  });
  const written: string[] = [];
  const emitted = program.emit(
    undefined,
    (path, text) => {
      ts.sys.writeFile(path, text);
      written.push(path);
    },
    undefined,
    true,
    { afterDeclarations: [jsSpecifiers(ts)] },
  );
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics];
  if (diagnostics.length > 0) {
    const host = { getCanonicalFileName: (f: string) => f, getCurrentDirectory: () => root, getNewLine: () => "\n" };
    throw new Error(`cannot emit the package's types:\n${ts.formatDiagnostics(diagnostics, host)}`);
  }
  return written;
}

/** Rewrites `"./x.ts"` to `"./x.js"` in imports, exports and `import("./x.ts")` types of a declaration file. */
function jsSpecifiers(
  ts: typeof import("typescript"),
): (context: ts.TransformationContext) => (node: ts.SourceFile | ts.Bundle) => ts.SourceFile {
  return (context) => {
    const { factory } = context;
    const rewrite = (specifier: ts.Expression | undefined): ts.Expression | undefined =>
      specifier && ts.isStringLiteral(specifier) && /^\.\.?\/.*\.ts$/.test(specifier.text)
        ? factory.createStringLiteral(specifier.text.replace(/\.ts$/, ".js"))
        : specifier;
    const visit = (node: ts.Node): ts.Node => {
      if (ts.isImportDeclaration(node))
        return factory.updateImportDeclaration(
          node,
          node.modifiers,
          node.importClause,
          rewrite(node.moduleSpecifier)!,
          node.attributes,
        );
      if (ts.isExportDeclaration(node))
        return factory.updateExportDeclaration(
          node,
          node.modifiers,
          node.isTypeOnly,
          node.exportClause,
          rewrite(node.moduleSpecifier),
          node.attributes,
        );
      if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
        const literal = rewrite(node.argument.literal as ts.Expression) as ts.StringLiteral;
        return factory.updateImportTypeNode(
          ts.visitEachChild(node, visit, context),
          factory.updateLiteralTypeNode(node.argument, literal),
          node.attributes,
          node.qualifier,
          node.typeArguments,
          node.isTypeOf,
        );
      }
      return ts.visitEachChild(node, visit, context);
    };
    return (node) => ts.visitEachChild(node as ts.SourceFile, visit, context);
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const emit = process.argv.includes("--js-only") ? "js" : "all";
  const { files, jsMs, typesMs } = await buildDist({ emit });
  const types = typesMs === undefined ? "" : `, types in ${Math.round(typesMs)} ms`;
  process.stdout.write(`dist/: ${files.length} files; bundles in ${Math.round(jsMs)} ms${types}\n`);
}
