// The package's `.d.ts` types (`npm run build`): emitted by tsc from the sources, with relative specifiers made
// `.js`, and checked to be self-contained: a consumer's `tsc` (strict, skipLibCheck off) finds everything they import.
import { existsSync, readFileSync } from "node:fs";
import { isBuiltin } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import type ts from "typescript";

export interface EmitDeclarationsOptions {
  /** The package folder (with tsconfig.json and package.json). */
  root: string;
  /** Where the `.d.ts` files go, mirroring the sources (dist/). */
  outdir: string;
  /** The typed entries, relative to root (runtime/index.ts, client/index.ts); a missing one is skipped. */
  entries: readonly string[];
}

/**
 * `.d.ts` files beside the bundles (dist/runtime/index.d.ts, dist/crds/…), from the checkout's own compiler
 * options. Relative `.ts` specifiers become `.js`, so any consumer's `tsc` resolves them; then every emitted
 * file is checked to import only emitted files, Node's modules and the package's own dependencies.
 */
export async function emitDeclarations(options: EmitDeclarationsOptions): Promise<string[]> {
  const { root, outdir } = options;
  const { default: ts } = await import("typescript");
  const configPath = join(root, "tsconfig.json");
  const config = ts.getParsedCommandLineOfConfigFile(configPath, undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
    },
  })!;
  const rootNames = options.entries.map((entry) => join(root, entry)).filter((path) => existsSync(path));
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
  const unresolvable = written.flatMap((path) => foreignImports(path, readFileSync(path, "utf8"), root));
  if (unresolvable.length > 0)
    throw new Error(
      `the package's types would not type-check for a consumer:\n${unresolvable.join("\n")}\n` +
        "import such types in the sources from a dependency (package.json dependencies), not a devDependency or a file",
    );
  return written;
}

/** What a declaration file imports that a consumer of the package lacks: `.ts` files, undeclared packages. */
function foreignImports(path: string, text: string, root: string): string[] {
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
  };
  const dependencies = new Set(Object.keys(manifest.dependencies ?? {}));
  const problems: string[] = [];
  const specifiers = [
    ...text.matchAll(/^(?:import|export)\s[^;]*?\sfrom\s*["']([^"']+)["']/gm),
    ...text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g),
  ].map((match) => match[1]!);
  for (const specifier of specifiers) {
    const where = `${relative(root, path)} imports "${specifier}"`;
    if (specifier.startsWith(".")) {
      const target = resolve(dirname(path), specifier.replace(/\.js$/, ".d.ts"));
      if (!specifier.endsWith(".js") || !existsSync(target)) problems.push(`${where}: no emitted .d.ts there`);
      continue;
    }
    const name = specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]!;
    if (!isBuiltin(specifier) && !dependencies.has(name)) problems.push(`${where}: not a dependency of the package`);
  }
  return problems;
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
