// The cache never hands back a stale bundle: edits to tsconfig.json or package.json files, a new file
// that changes what an import resolves to, or a package installed nearer all invalidate it.
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BuildCache } from "./build-cache.ts";
import { bundleFunction } from "./bundle-function.ts";
import { removeTemporaryDirs, temporaryDir } from "../test/fixtures/temporary-dirs.ts";

afterAll(removeTemporaryDirs);

async function project(): Promise<{ dir: string; file: string; write: (path: string, text: string) => Promise<void> }> {
  const dir = await temporaryDir("cache-project");
  const write = async (path: string, text: string) => {
    await mkdir(join(dir, path, ".."), { recursive: true });
    await writeFile(join(dir, path), text);
  };
  await write(
    "fns/fn.ts",
    'import { defineFunction } from "kontinue";\nimport { util } from "./util";\nimport dep from "dep";\nexport ' +
      "default defineFunction({ async run() { return util + dep; } });\n",
  );
  await write("fns/util.js", 'export const util = "js";\n');
  await write("tsconfig.json", "{}\n");
  await write("node_modules/dep/package.json", '{"name":"dep","main":"index.js"}\n');
  await write("node_modules/dep/index.js", 'module.exports = "dep";\n');
  await write("node_modules/dep/other.js", 'module.exports = "other";\n');
  return { dir, file: join(dir, "fns/fn.ts"), write };
}

async function cachedThen(change: (p: Awaited<ReturnType<typeof project>>) => Promise<void>): Promise<unknown> {
  const p = await project();
  const cache = new BuildCache({ dir: join(p.dir, ".cache") });
  const bundle = await bundleFunction({
    source: { functionName: "fn", resourceName: "fn", file: p.file },
    nodeMajor: 20,
  });
  await cache.store("fn", bundle.inputs, { ok: true });
  expect(await cache.load("fn")).toEqual({ ok: true });
  await change(p);
  return cache.load("fn");
}

describe("BuildCache with a bundle's inputs", () => {
  it("stays valid when nothing changed but a file's mtime", async () => {
    expect(await cachedThen((p) => p.write("tsconfig.json", "{}\n"))).toEqual({ ok: true });
  });

  it("is invalid after a tsconfig.json edit", async () => {
    expect(await cachedThen((p) => p.write("tsconfig.json", '{"compilerOptions":{"jsx":"react"}}\n'))).toBeUndefined();
  });

  it("is invalid after a dependency's package.json edit (its entry moved)", async () => {
    expect(
      await cachedThen((p) => p.write("node_modules/dep/package.json", '{"name":"dep","main":"other.js"}\n')),
    ).toBeUndefined();
  });

  it("is invalid when a package.json appears between the file and its old one", async () => {
    expect(await cachedThen((p) => p.write("fns/package.json", '{"type":"module"}\n'))).toBeUndefined();
  });

  it("is invalid when a new file changes what a relative import resolves to (util.ts beside util.js)", async () => {
    expect(await cachedThen((p) => p.write("fns/util.ts", 'export const util = "ts";\n'))).toBeUndefined();
  });

  it("is invalid when a package is installed nearer the file", async () => {
    expect(
      await cachedThen((p) => p.write("fns/node_modules/dep/index.js", 'module.exports = "nearer";\n')),
    ).toBeUndefined();
  });

  it("is invalid when an input file is deleted", async () => {
    expect(await cachedThen((p) => rm(join(p.dir, "node_modules/dep/index.js")))).toBeUndefined();
  });
});
