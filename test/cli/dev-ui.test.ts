// `kontinue dev` starts the web UI beside the cluster and prints its URL with the token, which answers 200; the
// token lands in the project's .kontinue/ui-token; a save while the UI starts redeploys; a bad --ui-port fails
// before anything starts.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestNamespace, type TestNamespace } from "../fixtures/test-namespace.ts";
import { waitFor } from "../fixtures/wait-for.ts";

const cli = fileURLToPath(new URL("../../bin/kontinue.js", import.meta.url));
const kubeconfig = inject("kubeconfig");
const namespace = `cli-dev-ui-${process.pid}`;

describe("kontinue dev's web UI", () => {
  let project: string;
  let testNamespace: TestNamespace | undefined;
  let dev: ChildProcess | undefined;
  let output = "";

  beforeAll(async () => {
    testNamespace = await createTestNamespace(kubeconfig, namespace);
    project = mkdtempSync(join(tmpdir(), "kontinue-dev-ui-"));
    mkdirSync(join(project, "functions"));
    writeFileSync(
      join(project, "functions", "greet.ts"),
      `import { defineFunction } from "kontinue";\nexport default defineFunction({ async run() { return "hi"; } });\n`,
    );
  });

  afterAll(async () => {
    if (dev && dev.exitCode === null) {
      dev.kill("SIGTERM");
      await new Promise((resolve) => dev!.once("exit", resolve));
    }
    rmSync(project, { recursive: true, force: true });
    await testNamespace?.remove();
  });

  it("prints the UI's URL with its token, and the URL answers 200", async () => {
    dev = spawn(
      process.execPath,
      [cli, "dev", "functions", "--kubeconfig", kubeconfig, "-n", namespace, "--ui-port", "0"],
      { cwd: project, stdio: ["ignore", "pipe", "pipe"] },
    );
    dev.stdout!.on("data", (chunk: Buffer) => (output += chunk));
    dev.stderr!.on("data", (chunk: Buffer) => (output += chunk));
    // A save the moment dev says it is ready, while the UI is still starting, must redeploy (it once went unwatched).
    await waitFor("kontinue dev to be ready", () => output.includes("run one:") || dev!.exitCode !== null, 120_000, 5);
    writeFileSync(
      join(project, "functions", "greet.ts"),
      `import { defineFunction } from "kontinue";\nexport default defineFunction({ async run() { return "hey"; } });\n`,
    );
    const url = await waitFor(
      "kontinue dev to print the UI's URL",
      () => {
        if (dev!.exitCode !== null) throw new Error(`kontinue dev exited ${dev!.exitCode}:\n${output}`);
        return output.match(/^ui: +(http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{32})$/m)?.[1];
      },
      120_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${output}`);
    });
    await waitFor("the save to be redeployed", () => /^restarting greet: revision/m.test(output), 60_000).catch(
      (error: Error) => {
        throw new Error(`${error.message}\n${output}`);
      },
    );
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("/assets/app.js");
    const token = new URL(url).searchParams.get("token");
    expect(readFileSync(join(project, ".kontinue", "ui-token"), "utf8").trim()).toBe(token);
    dev.kill("SIGTERM");
    expect(await new Promise((resolve) => dev!.once("exit", resolve))).toBe(0);
    await expect(fetch(url)).rejects.toThrow();
  });

  it("refuses a --ui-port that is not a port, naming the flag", async () => {
    const { code, stderr } = await new Promise<{ code: number; stderr: string }>((resolve) =>
      execFile(process.execPath, [cli, "dev", "functions", "--ui-port", "web"], { cwd: project }, (error, _, err) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stderr: err }),
      ),
    );
    expect(code).not.toBe(0);
    expect(stderr).toContain('--ui-port "web" is not a port number');
  });
});
