// The options probe (a child that imports each changed bundle) is skipped for bundle code it probed before with the
// same runtime, and runs for any other: the Function file below counts its probes in a marker file.
import { appendFile, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registryFixture } from "../fixtures/services.ts";
import { removeTemporaryDirs, temporaryDir } from "../fixtures/temporary-dirs.ts";
import { e2eBuild, uniquePrefix } from "./build-helpers.ts";

afterAll(removeTemporaryDirs);

let registry: string;
let dir: string;
let cacheDir: string;
let marker: string;

/** A Function whose top-level code (which the probe runs) appends a line to the marker file. */
function counting(comment: string, concurrency: number): string {
  return `// ${comment}
import { appendFileSync } from "node:fs";
import { defineFunction } from "kontinue";
appendFileSync(${JSON.stringify(marker)}, "probed\\n");
export default defineFunction({ concurrency: ${concurrency}, async run() { return "ok"; } });
`;
}

async function probes(): Promise<number> {
  return (await readFile(marker, "utf8")).split("\n").filter(Boolean).length;
}

async function build(): Promise<{ concurrency: number | undefined; digest: string }> {
  const { built } = await e2eBuild({ dir, registry, prefix: uniquePrefix("probe"), cacheDir, push: "dry-run" });
  return { concurrency: built[0]!.settings.concurrency, digest: built[0]!.image.root.descriptor.digest };
}

beforeAll(async () => {
  registry = (await registryFixture()).registry;
  dir = await temporaryDir("probe-functions");
  cacheDir = await temporaryDir("probe-cache");
  marker = join(await temporaryDir("probe-marker"), "probes.txt");
  await appendFile(marker, "");
});

describe("reading a Function's options", () => {
  it("probes a new bundle and a real change, not a change that leaves the bundle as it was", async () => {
    await writeFile(join(dir, "counted.ts"), counting("first", 3));
    const first = await build();
    expect(first.concurrency).toBe(3);
    expect(await probes()).toBe(1);

    // A comment is gone from the minified bundle: same code, so the options are known (the image still changes: its
    // source map holds the file's text).
    await writeFile(join(dir, "counted.ts"), counting("only a comment changed", 3));
    expect((await build()).concurrency).toBe(3);
    expect(await probes()).toBe(1);

    await writeFile(join(dir, "counted.ts"), counting("only a comment changed", 5));
    const changed = await build();
    expect(changed.concurrency).toBe(5);
    expect(changed.digest).not.toBe(first.digest);
    expect(await probes()).toBe(2);
  });
});
