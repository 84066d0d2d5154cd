import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { isKontinueError } from "../runtime/index.ts";
import { discoverFunctions } from "./discover-functions.ts";
import { removeTemporaryDirs, temporaryDir } from "../test/fixtures/temporary-dirs.ts";

afterAll(removeTemporaryDirs);

const testdata = fileURLToPath(new URL("./testdata/functions", import.meta.url));

async function folder(files: Record<string, string>): Promise<string> {
  const dir = await temporaryDir("discover");
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

describe("discoverFunctions", () => {
  it("finds Function files, skipping tests and _helpers, named after the file", async () => {
    const found = await discoverFunctions(testdata);
    expect(found.map((f) => [f.functionName, f.resourceName])).toEqual([
      ["hello", "hello"],
      ["processOrder", "process-order"],
    ]);
    expect(found[0]!.file).toBe(join(testdata, "hello.ts"));
  });

  it("fails naming both files when two map to one resource name", async () => {
    const dir = await folder({ "processOrder.ts": "", "process-order.mjs": "" });
    const error = await discoverFunctions(dir).catch((e: unknown) => e);
    expect(isKontinueError(error, "BUILD_DUPLICATE_FUNCTION")).toBe(true);
    expect((error as Error).message).toMatch(
      /"process-order.mjs" and "processOrder.ts" both map to the resource name "process-order"/,
    );
  });

  it("fails clearly for an empty folder and a missing one", async () => {
    const empty = await folder({ "notes.md": "", "_helper.ts": "", "x.test.ts": "", "types.d.ts": "" });
    expect(isKontinueError(await discoverFunctions(empty).catch((e: unknown) => e), "BUILD_NO_FUNCTIONS")).toBe(true);
    const missing = await discoverFunctions(join(empty, "nope")).catch((e: unknown) => e);
    expect((missing as Error).message).toContain("ENOENT");
  });
});
