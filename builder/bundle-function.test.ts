import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { isKontinueError } from "../runtime/index.ts";
import type { BuildError } from "./build-error.ts";
import { bundleFunction } from "./bundle-function.ts";
import { discoverFunctions, type FunctionSource } from "./discover-functions.ts";
import { bundleRuntime } from "./runtime-bundle.ts";
import { removeTemporaryDirs, temporaryDir } from "../test/fixtures/temporary-dirs.ts";

afterAll(removeTemporaryDirs);

const testdata = fileURLToPath(new URL("./testdata/functions", import.meta.url));

async function source(files: Record<string, string>, entry = "fn.ts"): Promise<FunctionSource> {
  const dir = await temporaryDir("bundle");
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, ".."), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return { functionName: "fn", resourceName: "fn", file: join(dir, entry) };
}

async function failure(src: FunctionSource): Promise<BuildError> {
  const error = await bundleFunction({ source: src, nodeMajor: 20 }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, "bundling should fail").toBeDefined();
  return error as BuildError;
}

const good =
  'import { defineFunction } from "kontinue";\nexport default defineFunction({ async run() { return 1; } });\n';

describe("bundleFunction", () => {
  it("bundles the worker entry and helpers, keeps kontinue external, and maps back to the user's file", async () => {
    const [hello] = await discoverFunctions(testdata);
    const bundle = await bundleFunction({ source: hello!, nodeMajor: 20 });
    const code = bundle.code.toString();
    expect(code).toContain('from"kontinue"');
    expect(code).toContain('functionName:"hello"');
    expect(code).toContain("hello, ");
    expect(code).toMatch(/sourceMappingURL=index\.mjs\.map/);
    const map = JSON.parse(bundle.map.toString()) as { sources: string[]; sourcesContent: string[] };
    expect(map.sources).toEqual(expect.arrayContaining(["hello.ts", "_greeting.ts"]));
    expect(map.sources.every((s) => !s.startsWith("/"))).toBe(true);
    expect(Object.keys(bundle.inputs)).toEqual(
      expect.arrayContaining([
        join(testdata, "_greeting.ts"),
        join(testdata, "hello.ts"),
        join(testdata, "package.json"),
      ]),
    );
    expect(bundle.inputs[join(testdata, "hello.ts")]).toMatch(/^[a-f0-9]{64}$/);
  });

  it("gives the same bytes for the same sources in another folder", async () => {
    const a = await bundleFunction({ source: await source({ "fn.ts": good }), nodeMajor: 20 });
    const b = await bundleFunction({ source: await source({ "fn.ts": good }), nodeMajor: 20 });
    expect(b.code.equals(a.code)).toBe(true);
    expect(b.map.equals(a.map)).toBe(true);
  });

  it("names file and line of a syntax error", async () => {
    const error = await failure(
      await source({
        "fn.ts":
          'import { defineFunction } from "kontinue";\n\nexport default defineFunction({ run() { return 1 +; } });\n',
      }),
    );
    expect(isKontinueError(error, "BUILD_BUNDLE_FAILED")).toBe(true);
    expect(error.message).toMatch(/fn\.ts:3:\d+: /);
    expect(error.line).toBe(3);
  });

  it("names file and line of an import of a name that is not exported (a type imported as a value)", async () => {
    const error = await failure(
      await source({
        "fn.ts":
          'import { defineFunction } from "kontinue";\nimport { Order } from "./_types.ts";\nexport default ' +
          "defineFunction({ async run() { return new Order(); } });\n",
        "_types.ts": "export interface Order { id: string }\n",
      }),
    );
    expect(isKontinueError(error, "BUILD_BUNDLE_FAILED")).toBe(true);
    expect(error.message).toMatch(/fn\.ts:2:\d+: No matching export in "_types\.ts" for import "Order"/);
  });

  it("names the file of a missing default export", async () => {
    const error = await failure(
      await source({
        "fn.ts": 'import { defineFunction } from "kontinue";\nexport const fn = defineFunction({ async run() {} });\n',
      }),
    );
    expect(isKontinueError(error, "BUILD_NO_DEFAULT_EXPORT")).toBe(true);
    expect(error.message).toMatch(/^fn\.ts: the Function file has no default export/);
  });

  it("names file, line and package of an import that does not resolve", async () => {
    const error = await failure(
      await source({
        "fn.ts":
          'import { defineFunction } from "kontinue";\nimport pad from "left-pad-missing";\nexport default ' +
          "defineFunction({ async run() { return pad; } });\n",
      }),
    );
    expect(isKontinueError(error, "BUILD_BUNDLE_FAILED")).toBe(true);
    expect(error.message).toMatch(/fn\.ts:2:\d+: Could not resolve "left-pad-missing"/);
    expect(error.message).toContain("npm install");
  });

  it("detects a dependency with a native addon, naming the package and what to do", async () => {
    const error = await failure(
      await source({
        "fn.ts":
          'import { defineFunction } from "kontinue";\nimport db from "fast-db";\nexport default defineFunction({ ' +
          "async run() { return db(); } });\n",
        "node_modules/fast-db/package.json": JSON.stringify({
          name: "fast-db",
          main: "index.js",
          dependencies: { bindings: "^1" },
        }),
        "node_modules/fast-db/binding.gyp": "{}",
        "node_modules/fast-db/index.js": 'module.exports = () => require("bindings")("fast_db");\n',
        "node_modules/bindings/package.json": JSON.stringify({ name: "bindings", main: "index.js" }),
        "node_modules/bindings/index.js": "module.exports = (name) => require(name);\n",
      }),
    );
    expect(isKontinueError(error, "BUILD_NATIVE_ADDON")).toBe(true);
    expect(error.message).toContain('"fast-db", a package with a native addon (it has a binding.gyp)');
    expect(error.message).toContain("pure-JavaScript alternative");
  });

  it("detects a direct .node import", async () => {
    const error = await failure(
      await source({
        "fn.ts":
          'import { defineFunction } from "kontinue";\nimport addon from "raw-addon";\nexport default ' +
          "defineFunction({ async run() { return addon; } });\n",
        "node_modules/raw-addon/package.json": JSON.stringify({ name: "raw-addon", main: "index.js" }),
        "node_modules/raw-addon/index.js": 'module.exports = require("./build/addon.node");\n',
      }),
    );
    expect(isKontinueError(error, "BUILD_NATIVE_ADDON")).toBe(true);
    expect(error.message).toContain('"raw-addon"');
  });

  it(
    "keeps function names through minification, so ctx.store(fetchUser) and ctx.poll(isShipped) name their " + "steps",
    async () => {
      const bundle = await bundleFunction({
        source: await source({
          "fn.ts": `import { defineFunction } from "kontinue";
async function fetchUser(): Promise<number> { return 1; }
const isShipped = async (): Promise<boolean> => true;
export default defineFunction({
  async run(ctx) { await ctx.poll(isShipped, { every: "1s" }); return ctx.store(fetchUser); },
});
`,
        }),
        nodeMajor: 20,
      });
      const code = bundle.code.toString();
      expect(code).toContain('"fetchUser"');
      expect(code).toContain('"isShipped"');
    },
  );

  it("keeps function names in the runtime bundle too", async () => {
    const dir = await temporaryDir("runtime-names");
    const entry = join(dir, "runtime", "index.ts");
    await mkdir(join(dir, "runtime"), { recursive: true });
    await writeFile(entry, "export function makeStep() { return function innerStepName() { return 1; }; }\n");
    const bundle = await bundleRuntime({ nodeMajor: 20, entry });
    expect(bundle.code.toString()).toContain('"innerStepName"');
  });
});
