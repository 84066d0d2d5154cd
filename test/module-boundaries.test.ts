// STYLE.md's boundaries: folders meet only at their index.ts, dependencies flow one way
// (cli → builder / controller / devcluster → runtime → crds), and nothing is circular.
import { readdir, readFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const modules = ["cli", "builder", "controller", "devcluster", "client", "ui", "runtime", "crds", "templates"] as const;
type ModuleName = (typeof modules)[number];

/** Which modules each module may import (through their index.ts). */
const allowed: Record<ModuleName, readonly ModuleName[]> = {
  cli: ["builder", "controller", "devcluster", "client", "ui", "runtime", "crds", "templates"],
  builder: ["runtime", "crds"],
  controller: ["runtime", "crds"],
  devcluster: ["builder", "runtime", "crds"],
  client: ["runtime", "crds"],
  runtime: ["crds"],
  crds: [],
  templates: ["runtime"],
  ui: ["client", "runtime", "crds"],
};

async function sourceFiles(folder: string): Promise<string[]> {
  const entries = await readdir(join(root, folder), { withFileTypes: true, recursive: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile() && /\.(ts|tsx|mts|js|mjs)$/.test(e.name) && !e.parentPath.split(sep).includes("testdata"))
    .map((e) => relative(root, join(e.parentPath, e.name)));
}

function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
}

/** Relative specifiers a file imports; with `values`, only imports that exist at run time (not `import type`). */
function relativeImports(source: string, which: "all" | "values" = "all"): string[] {
  const found: string[] = [];
  const code = withoutComments(source);
  for (const match of code.matchAll(
    /(?:import|export)(\s+type)?\s[^;]*?from\s+["'](\.[^"']+)["']|import\(\s*["'](\.[^"']+)["']\s*\)/g,
  )) {
    if (which === "values" && match[1]) continue;
    found.push((match[2] ?? match[3])!);
  }
  return found;
}

const moduleOf = (file: string) => file.split("/")[0] as ModuleName;

/** A folder's entries: its index.ts, and for the runtime the slimmer one the client and CLI load. */
const entriesOf = (module: ModuleName): string[] =>
  module === "runtime" ? ["runtime/index.ts", "runtime/client-entry.ts"] : [`${module}/index.ts`];

describe("module boundaries", () => {
  it("imports across folders go through the folder's index.ts and follow the dependency direction", async () => {
    const violations: string[] = [];
    for (const module of modules) {
      for (const file of await sourceFiles(module)) {
        if (file.endsWith(".test.ts")) continue;
        const text = await readFile(join(root, file), "utf8");
        for (const specifier of relativeImports(text)) {
          const target = relative(root, resolve(root, dirname(file), specifier));
          const targetModule = moduleOf(target);
          if (targetModule === module || !modules.includes(targetModule)) continue;
          if (!allowed[module].includes(targetModule))
            violations.push(`${file} imports ${target}: ${module} may not depend on ${targetModule}`);
          else if (!entriesOf(targetModule).includes(target))
            violations.push(`${file} imports ${target}: import ${entriesOf(targetModule).join(" or ")} instead`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it("no file imports itself circularly at run time", async () => {
    const graph = new Map<string, string[]>();
    for (const module of modules) {
      for (const file of await sourceFiles(module)) {
        const text = await readFile(join(root, file), "utf8");
        graph.set(
          file,
          relativeImports(text, "values").map((s) => relative(root, resolve(root, dirname(file), s))),
        );
      }
    }
    const cycles: string[] = [];
    const state = new Map<string, "visiting" | "done">();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === "done") return;
      if (state.get(file) === "visiting") {
        cycles.push([...path.slice(path.indexOf(file)), file].join(" → "));
        return;
      }
      state.set(file, "visiting");
      for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
      state.set(file, "done");
    };
    for (const file of graph.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it("each folder's entry opens with a statement of purpose and only re-exports", async () => {
    const problems: string[] = [];
    for (const entry of modules.flatMap(entriesOf)) {
      const text = await readFile(join(root, entry), "utf8").catch(() => undefined);
      if (text === undefined) continue;
      if (!text.startsWith("// ")) problems.push(`${entry} has no opening purpose comment`);
      const code = withoutComments(text);
      const statements = code
        .split(/;\s*\n/)
        .map((s) => s.trim())
        .filter(Boolean);
      for (const statement of statements) {
        if (!/^export\s+(type\s+)?(\{[\s\S]*\}|\*)\s+from\s+["'][^"']+["']/.test(statement)) {
          problems.push(`${entry}: not a re-export: ${statement.split("\n")[0]}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
