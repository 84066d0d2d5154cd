// Each command loads only what it uses: what dist/ imports before a command runs (statically from the CLI
// entry) and what each command's chunk imports statically once it runs, read from esbuild's metafile.
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
      else if (!imported.path.startsWith("node:")) packages.add(imported.path);
    }
  };
  visit(output);
  return [...packages].sort();
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

  it("runs execute and signal without the image builder or the Docker client", () => {
    for (const entryPoint of ["cli/execute.ts", "cli/signal.ts"]) {
      const packages = staticPackages(metafile, outputOf(metafile, entryPoint));
      expect(packages).not.toContain("esbuild");
      expect(packages).not.toContain("dockerode");
    }
  });
});
