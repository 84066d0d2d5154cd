// `npx kontinue …` works from a checkout right after `npm ci`: scripts and other issues rely on it.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const { version } = JSON.parse(readFileSync(`${root}/package.json`, "utf8")) as { version: string };

function npx(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile("npx", ["--no-install", "kontinue", ...args], { cwd: root, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe("npx kontinue", () => {
  it("prints the package version", async () => {
    const run = await npx("--version");
    expect(run).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it("lists every command DESIGN.md names", async () => {
    const run = await npx("--help");
    expect(run.code).toBe(0);
    for (const command of ["cluster", "controller", "worker", "build", "dev", "execute"])
      expect(run.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, "m"));
  });

  it("names an unknown command and exits non-zero", async () => {
    const run = await npx("deplyo");
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("unknown command 'deplyo'");
  });
});
