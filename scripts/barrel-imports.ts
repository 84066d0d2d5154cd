// Named imports from a barrel (a module that re-exports others, like `@kubernetes/client-node`'s index, which
// re-exports the whole generated API), rewritten to import each name from the file that declares it. esbuild's
// code splitting assigns whole files to chunks by the import graph, so one `import { KubeConfig }` from the
// barrel would otherwise put all of client-node (2.5 MB, 0.5 s to load) into every command that talks to a cluster.
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";

/** Finds the file an import specifier names, as the bundler resolves it (undefined: external or unresolvable). */
export type ResolveImport = (specifier: string, importer: string) => Promise<string | undefined>;

export interface FlattenOptions {
  /** The importing file and its source. */
  path: string;
  source: string;
  /** Which resolved files may be seen through (e.g. those inside client-node): those among them with `export *`. */
  inScope: (path: string) => boolean;
  resolveImport: ResolveImport;
}

/** `import { a, type B, c as d } from "x"` and `export { a } from "x"`, over several lines. */
const NAMED_FROM = /^(import|export)(\s+type)?\s*\{([^}]*)\}\s*from\s*(["'])([^"']+)\4;?/gm;

/** The source with barrel imports split per declaring file; the same line count, so source maps still fit. */
export async function flattenBarrelImports(options: FlattenOptions): Promise<string> {
  const { path, source } = options;
  const replacements: { start: number; end: number; text: string }[] = [];
  for (const match of source.matchAll(NAMED_FROM)) {
    const [statement, keyword, typeOnly, list, , specifier] = match as unknown as string[];
    if (typeOnly) continue;
    const barrel = await options.resolveImport(specifier!, path);
    if (barrel === undefined || !options.inScope(barrel) || !/^export\s*\*/m.test(sourceOf(barrel))) continue;
    const byOrigin = new Map<string, string[]>();
    const types: string[] = [];
    for (const raw of list!.split(",").map((part) => part.trim())) {
      if (raw === "") continue;
      if (raw.startsWith("type ")) {
        types.push(raw.slice(5));
        continue;
      }
      const [imported, local = imported] = raw.split(/\s+as\s+/) as [string, string?];
      const origin = declaringFile(barrel, imported);
      // Not declared in the JavaScript: a type (an interface), imported without `type`.
      if (origin === undefined) types.push(raw);
      else
        (byOrigin.get(origin.file) ?? byOrigin.set(origin.file, []).get(origin.file)!).push(
          origin.name === local ? local : `${origin.name} as ${local}`,
        );
    }
    const parts = [...byOrigin].map(
      ([file, names]) => `${keyword} { ${names.join(", ")} } from ${JSON.stringify(file)};`,
    );
    if (types.length > 0) parts.push(`${keyword} type { ${types.join(", ")} } from ${JSON.stringify(specifier)};`);
    const lineBreaks = "\n".repeat(statement!.split("\n").length - 1);
    replacements.push({ start: match.index, end: match.index + statement!.length, text: parts.join(" ") + lineBreaks });
  }
  let flattened = source;
  for (const { start, end, text } of replacements.reverse())
    flattened = flattened.slice(0, start) + text + flattened.slice(end);
  return flattened;
}

interface Origin {
  file: string;
  name: string;
}

const origins = new Map<string, Origin | undefined>();
const sources = new Map<string, string>();

function sourceOf(file: string): string {
  return sources.get(file) ?? sources.set(file, readFileSync(file, "utf8")).get(file)!;
}

/** The file that declares `name`, following `export *` and `export { … } from` of plain ESM JavaScript. */
function declaringFile(file: string, name: string): Origin | undefined {
  const key = `${file}\0${name}`;
  if (origins.has(key)) return origins.get(key);
  origins.set(key, undefined);
  const found = findDeclaration(file, name);
  origins.set(key, found);
  return found;
}

function findDeclaration(file: string, name: string): Origin | undefined {
  const source = sourceOf(file);
  const declaration = new RegExp(`^export\\s+(?:async\\s+)?(?:class|function\\*?|const|let|var)\\s+${name}\\b`, "m");
  if (declaration.test(source)) return { file, name };
  for (const match of source.matchAll(/^export\s*\{([^}]*)\}\s*(?:from\s*["']([^"']+)["'])?/gm)) {
    for (const part of match[1]!.split(",").map((entry) => entry.trim())) {
      const [inner, outer = inner] = part.split(/\s+as\s+/) as [string, string?];
      if (outer !== name) continue;
      return match[2] === undefined ? { file, name } : declaringFile(resolve(dirname(file), match[2]), inner);
    }
  }
  for (const match of source.matchAll(/^export\s*\*\s*from\s*["']([^"']+)["']/gm)) {
    const found = declaringFile(resolve(dirname(file), match[1]!), name);
    if (found !== undefined) return found;
  }
  return undefined;
}
