// `kontinue dev` runs a folder of Function files from source and restarts a worker when its file
// changes; `kontinue execute --wait` prints the result, or fails with the execution's error.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestNamespace, type TestNamespace } from "../fixtures/test-namespace.ts";
import { waitFor } from "../fixtures/wait-for.ts";

const cli = fileURLToPath(new URL("../../bin/kontinue.js", import.meta.url));
const kubeconfig = inject("kubeconfig");
const namespace = `cli-dev-${process.pid}`;

const greetSource = (word: string) => `import { defineFunction } from "kontinue";
export default defineFunction({
  async run(ctx, args: { name: string }) {
    return { greeting: await ctx.store("greet", () => "${word}, " + args.name) };
  },
});
`;

function execute(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, "execute", ...args, "--kubeconfig", kubeconfig, "-n", namespace],
      { timeout: 90_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

describe("kontinue dev + kontinue execute", () => {
  let dir: string;
  let testNamespace: TestNamespace | undefined;
  let dev: ChildProcess;
  let output = "";

  beforeAll(async () => {
    testNamespace = await createTestNamespace(kubeconfig, namespace);
    dir = mkdtempSync(join(tmpdir(), "kontinue-dev-"));
    writeFileSync(join(dir, "greet.ts"), greetSource("hello"));
    writeFileSync(
      join(dir, "fail.ts"),
      `import { defineFunction } from "kontinue";\nexport default defineFunction({ async run() { throw new ` +
        `Error("card declined"); } });\n`,
    );
    dev = spawn(process.execPath, [cli, "dev", dir, "--kubeconfig", kubeconfig, "-n", namespace], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    dev.stdout!.on("data", (chunk: Buffer) => (output += chunk));
    dev.stderr!.on("data", (chunk: Buffer) => (output += chunk));
    await waitFor(
      "kontinue dev to start its workers",
      () => output.includes("run one:") || dev.exitCode !== null,
      60_000,
    );
    expect(dev.exitCode, output).toBeNull();
  });

  afterAll(async () => {
    if (dev && dev.exitCode === null) {
      dev.kill("SIGTERM");
      await new Promise((resolve) => dev.once("exit", resolve));
    }
    rmSync(dir, { recursive: true, force: true });
    await testNamespace?.remove();
  });

  it("runs a function and prints its result", async () => {
    const run = await execute("greet", '{"name":"ada"}', "--wait");
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toEqual({ greeting: "hello, ada" });
  });

  it("restarts the worker when its file changes, and new executions run the new code", async () => {
    writeFileSync(join(dir, "greet.ts"), greetSource("bonjour"));
    await waitFor("the worker to restart", () => output.includes("restarting greet"), 30_000);
    await waitFor(
      "an execution to run the new code",
      async () => {
        const run = await execute("greet", '{"name":"ada"}', "--wait");
        return JSON.parse(run.stdout).greeting === "bonjour, ada";
      },
      60_000,
      200,
    );
  });

  it("fails with the execution's error when the function throws", async () => {
    const run = await execute("fail", "{}", "--wait");
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/execution "fail-\w+" of "fail" ended Failed: .*card declined/);
  });

  it("rejects arguments that are not JSON before touching the cluster", async () => {
    const run = await execute("greet", "{name:", "--wait");
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`the arguments "{name:" are not JSON`);
  });

  it("stops cleanly on SIGTERM", async () => {
    dev.kill("SIGTERM");
    const code = await new Promise((resolve) => dev.once("exit", (exitCode) => resolve(exitCode)));
    expect(code).toBe(0);
  });
});
