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

async function probe(text: string, name = "fn", env?: NodeJS.ProcessEnv) {
  const dir = await temporaryDir("options-test");
  const file = join(dir, `${name}.ts`);
  await writeFile(file, text);
  const source = { functionName: name, resourceName: name, file };
  const bundle = await bundleFunction({ source, nodeMajor: 20 });
  return { dir, run: () => readFunctionOptions({ functions: [{ source, ...bundle }], runtimeCode, env }) };
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
    expect(settings.get("fn")).toEqual({
      scaling: { maxReplicas: 7, targetPendingPerReplica: 3 },
      retry: { maxAttempts: 2 },
      concurrency: 5,
      timeoutSeconds: 90,
    });
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

  it(
    "builds a file that prints at load time (a dotenv banner, JSON-looking output) and calls " + "process.exit",
    async () => {
      const { run } = await probe(`import { defineFunction } from "kontinue";
console.log("[dotenv@16.4.5] injecting env (0) from .env");
process.stdout.write("{not json");
if (!process.env.DATABASE_URL) process.exit(1);
export default defineFunction({ concurrency: 2, revisions: { drainGraceSeconds: 30 }, async run() {} });
`);
      expect((await run()).get("fn")).toEqual({ concurrency: 2, revisions: { drainGraceSeconds: 30 } });
    },
  );

  it("hands user code a scrubbed environment: no registry or cloud credentials", async () => {
    const secrets = {
      AWS_SECRET_ACCESS_KEY: "aws-secret",
      DOCKER_AUTH_CONFIG: "{}",
      GITHUB_TOKEN: "ghp_x",
      PATH: process.env.PATH,
    };
    const { run } = await probe(
      `import { defineFunction } from "kontinue";
const leaked = Object.keys(process.env).filter((k) => !["PATH", "HOME", "NODE_ENV"].includes(k));
if (leaked.length > 0) throw new Error("saw " + leaked.join(","));
export default defineFunction({ timeoutSeconds: process.env.PATH ? 5 : 6, async run() {} });
`,
      "fn",
      secrets,
    );
    expect((await run()).get("fn")).toEqual({ timeoutSeconds: 5 });
  });

  it("names the file when its top-level code ends the probe process", async () => {
    const { run } = await probe(`import { defineFunction } from "kontinue";
process.kill(process.pid, "SIGKILL");
export default defineFunction({ async run() {} });
`);
    const error = (await run().catch((e: unknown) => e)) as BuildError;
    expect(isKontinueError(error, "BUILD_OPTIONS_FAILED")).toBe(true);
    expect(error.message).toMatch(
      /^fn\.ts: loading Function "fn" ended the options probe before it reported \(exit code SIGKILL\)/,
    );
    expect(error.file).toMatch(/fn\.ts$/);
  });
});
