import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isKontinueError } from "../runtime/index.ts";
import type { BuildError } from "./build-error.ts";
import { bundleFunction } from "./bundle-function.ts";
import { readFunctionOptions } from "./read-function-options.ts";
import { bundleRuntime } from "./runtime-bundle.ts";
import { removeTemporaryDirs, temporaryDir } from "../test/fixtures/temporary-dirs.ts";

afterAll(removeTemporaryDirs);

let runtimeCode: Buffer;
beforeAll(async () => {
  runtimeCode = (await bundleRuntime({ nodeMajor: 20 })).code;
});

async function probe(text: string, name = "fn") {
  const dir = await temporaryDir("options-test");
  const file = join(dir, `${name}.ts`);
  await writeFile(file, text);
  const source = { functionName: name, resourceName: name, file };
  const bundle = await bundleFunction({ source, nodeMajor: 20 });
  return { dir, run: () => readFunctionOptions({ functions: [{ source, ...bundle }], runtimeCode }) };
}

describe("readFunctionOptions", () => {
  it("reads scaling, retry, concurrency and timeout without calling run", async () => {
    const marker = join(tmpdir(), `kontinue-run-called-${process.pid}`);
    const { run } = await probe(`import { defineFunction } from "kontinue";
import { writeFileSync } from "node:fs";
export default defineFunction({
  scaling: { maxReplicas: 7, targetPendingPerReplica: 3 },
  retry: { maxAttempts: 2 },
  concurrency: 5,
  timeoutSeconds: 90,
  async run() { writeFileSync(${JSON.stringify(marker)}, "ran"); },
});
`);
    const settings = await run();
    expect(settings.get("fn")).toEqual({ scaling: { maxReplicas: 7, targetPendingPerReplica: 3 }, retry: { maxAttempts: 2 }, concurrency: 5, timeoutSeconds: 90 });
    expect(existsSync(marker)).toBe(false);
  });

  it("rejects a default export that is not defineFunction(...), naming file and line", async () => {
    const { run } = await probe(`import { defineFunction } from "kontinue";
void defineFunction;

export default { async run() { return 1; } };
`);
    const error = (await run().catch((e: unknown) => e)) as BuildError;
    expect(isKontinueError(error, "BUILD_NOT_A_FUNCTION_DEFINITION")).toBe(true);
    expect(error.message).toMatch(/^fn\.ts:4: the default export is an object, not defineFunction\(\.\.\.\)/);
    expect(error.line).toBe(4);
  });

  it("reports invalid options with the file and line of the defineFunction call", async () => {
    const { run } = await probe(`import { defineFunction } from "kontinue";

export default defineFunction({
  concurrency: -1,
  async run() {},
});
`);
    const error = (await run().catch((e: unknown) => e)) as BuildError;
    expect(isKontinueError(error, "BUILD_OPTIONS_FAILED")).toBe(true);
    expect(error.message).toMatch(/^fn\.ts:3: loading Function "fn" threw: .*"concurrency" must be a positive integer/);
  });
});
