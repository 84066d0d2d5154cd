// The runtime layer does not depend on how kontinue's dependencies were installed.
import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bundleRuntime, loadRuntimeBundle, writePrebuiltRuntime } from "./runtime-bundle.ts";
import { removeTemporaryDirs, temporaryDir } from "../test/fixtures/temporary-dirs.ts";

afterAll(removeTemporaryDirs);

async function write(path: string, text: string): Promise<void> {
  await mkdir(join(path, ".."), { recursive: true });
  await writeFile(path, text);
}

/**
 * A package root with runtime/index.ts importing `dep`, installed where `depDir` says (and linked like npm/pnpm do).
 */
async function layout(depDir: string, link?: string): Promise<string> {
  const root = await temporaryDir("runtime-layout");
  await write(join(root, "runtime/index.ts"), 'import dep from "dep";\nexport function hello() { return dep(); }\n');
  await write(join(root, depDir, "package.json"), '{"name":"dep","version":"1.0.0","main":"index.js"}');
  await write(join(root, depDir, "index.js"), 'module.exports = function dep() { return require("./lib.js"); };\n');
  await write(join(root, depDir, "lib.js"), "module.exports = 42;\n");
  if (link) await symlink(link, join(root, "node_modules/dep"));
  return join(root, "runtime/index.ts");
}

describe("bundleRuntime", () => {
  it("gives the same code and source map for npm hoisted, npm nested and pnpm installs", async () => {
    const entries = [
      await layout("node_modules/dep"),
      await layout("node_modules/a/node_modules/dep", "a/node_modules/dep"),
      await layout("node_modules/.pnpm/dep@1.0.0/node_modules/dep", ".pnpm/dep@1.0.0/node_modules/dep"),
    ];
    const bundles = await Promise.all(entries.map((entry) => bundleRuntime({ nodeMajor: 20, entry })));
    for (const bundle of bundles.slice(1)) {
      expect(bundle.code.equals(bundles[0]!.code)).toBe(true);
      expect(bundle.map.toString()).toBe(bundles[0]!.map.toString());
    }
    expect((JSON.parse(bundles[0]!.map.toString()) as { sources: string[] }).sources.sort()).toEqual([
      "node_modules/dep/index.js",
      "node_modules/dep/lib.js",
      "src/runtime/index.ts",
    ]);
  });
});

describe("the runtime bundle made at npm run build", () => {
  it("is used while dist/runtime/index.js is the one it was made from, and equals a fresh bundle", async () => {
    const root = await temporaryDir("runtime-prebuilt");
    await write(join(root, "dist/runtime/index.js"), 'export function hello() { return "v1"; }\n');
    const written = await writePrebuiltRuntime(root);
    const loaded = await loadRuntimeBundle({ packageRoot: root });
    expect(Object.keys(loaded.inputs)).toContain(written[0]);
    const fresh = await bundleRuntime({ nodeMajor: 20, entry: join(root, "dist/runtime/index.js"), packageRoot: root });
    expect(loaded.code.equals(fresh.code)).toBe(true);
    expect(loaded.map.toString()).toBe(fresh.map.toString());
  });

  it("is not used once dist/runtime/index.js changed without it (a stale bundle would ship old code)", async () => {
    const root = await temporaryDir("runtime-prebuilt-stale");
    await write(join(root, "dist/runtime/index.js"), 'export function hello() { return "v1"; }\n');
    await writePrebuiltRuntime(root);
    await write(join(root, "dist/runtime/index.js"), 'export function hello() { return "v2"; }\n');
    const loaded = await loadRuntimeBundle({ packageRoot: root });
    expect(loaded.code.toString()).toContain('"v2"');
    expect(loaded.code.toString()).not.toContain('"v1"');
  });
});
