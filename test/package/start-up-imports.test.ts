// Each command loads only what it uses: what dist/ imports before a command runs (statically from the CLI
// entry) and what each command's chunk imports statically once it runs, read from esbuild's metafile.
import { isBuiltin } from "node:module";
import type { Metafile } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";
import { buildDist } from "../../scripts/build-dist.ts";

/** Packages loaded from node_modules by `output` and every chunk it imports statically. */
function staticPackages(metafile: Metafile, output: string): string[] {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (path: string): void => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const imported of metafile.outputs[path]!.imports) {
      if (imported.kind !== "import-statement") continue;
      if (!imported.external) visit(imported.path);
      else if (!isBuiltin(imported.path)) packages.add(imported.path);
    }
  };
  visit(output);
  return [...packages].sort();
}

/** Source files bundled into `output` and every chunk it imports statically. */
function staticInputs(metafile: Metafile, output: string): string[] {
  const seen = new Set<string>();
  const visit = (path: string): void => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const imported of metafile.outputs[path]!.imports)
      if (imported.kind === "import-statement" && !imported.external) visit(imported.path);
  };
  visit(output);
  return [...seen].flatMap((path) => Object.keys(metafile.outputs[path]!.inputs));
}

function outputOf(metafile: Metafile, entryPoint: string): string {
  const found = Object.entries(metafile.outputs).find(([, output]) => output.entryPoint === entryPoint);
  expect(found, `a chunk for ${entryPoint}`).toBeDefined();
  return found![0];
}

describe("what each command loads", () => {
  let metafile: Metafile;
  beforeAll(async () => {
    ({ metafile } = await buildDist({ emit: "js" }));
  });

  it("sees the packages a chunk loads (devcluster's needs better-sqlite3)", () => {
    expect(staticPackages(metafile, outputOf(metafile, "devcluster/index.ts"))).toContain("better-sqlite3");
  });

  it("starts the CLI (--version, --help, parsing) with no package from node_modules", () => {
    expect(staticPackages(metafile, outputOf(metafile, "cli/index.ts"))).toEqual([]);
  });

  it("starts --version and --help without loading any command's file", () => {
    const inputs = staticInputs(metafile, outputOf(metafile, "cli/index.ts"));
    expect(inputs).toContain("cli/program.ts");
    expect(inputs.filter((path) => path.endsWith("-command.ts"))).toEqual([]);
  });

  it.each([
    ["execute", "cli/execute.ts"],
    ["signal", "cli/signal.ts"],
    ["worker", "cli/run-worker-from-source.ts"],
    ["build", "builder/index.ts"],
  ])("runs %s without devcluster's native sqlite module or a TypeScript loader", (_command, entryPoint) => {
    const packages = staticPackages(metafile, outputOf(metafile, entryPoint));
    expect(packages).not.toContain("better-sqlite3");
    expect(packages).not.toContain("tsx/esm/api");
  });

  it.each([
    ["execute", "cli/execute.ts"],
    ["signal", "cli/signal.ts"],
    ["get", "cli/get.ts"],
    ["describe", "cli/describe.ts"],
  ])("runs %s with no package from node_modules: no metrics, builder, Docker client or YAML loader", (_c, entry) => {
    expect(staticPackages(metafile, outputOf(metafile, entry))).toEqual([]);
  });

  it.each([
    ["execute", "cli/execute.ts"],
    ["get", "cli/get.ts"],
  ])("runs %s with only the parts of client-node it uses (no generated API clients or models)", (_c, entry) => {
    const inputs = staticInputs(metafile, outputOf(metafile, entry));
    const clientNode = inputs.filter((path) => path.includes("node_modules/@kubernetes/client-node/"));
    expect(clientNode.some((path) => path.endsWith("/dist/config.js"))).toBe(true);
    expect(clientNode.filter((path) => /\/dist\/gen\/((models|types)\/|apis\/(?!exception))/.test(path))).toEqual([]);
    expect(inputs.filter((path) => /node_modules\/(tr46|whatwg-url)\//.test(path))).toEqual([]);
  });
});
