// `kontinue completion bash|zsh`: the scripts follow the command tree, and bash completes with them.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { createProgram } from "./program.ts";
import { completionScript } from "./shell-completion.ts";

const run = promisify(execFile);

/** What bash offers for `line` (the last word is the one being completed). */
async function bashCompletes(script: string, ...line: string[]): Promise<string[]> {
  const words = line.map((word) => `'${word}'`).join(" ");
  const { stdout } = await run("bash", [
    "-c",
    `${script}\nCOMP_WORDS=(${words}); COMP_CWORD=${line.length - 1}; _kontinue_completion\n` +
      `printf '%s\\n' "\${COMPREPLY[@]}"`,
  ]);
  return stdout.split("\n").filter(Boolean);
}

describe("shell completion", () => {
  let script: string;
  beforeAll(async () => {
    script = completionScript(await createProgram(), "bash");
  });

  it("completes subcommands, nested ones too", async () => {
    expect(await bashCompletes(script, "kontinue", "ex")).toEqual(["execute"]);
    expect(await bashCompletes(script, "kontinue", "cluster", "s")).toEqual(["serve"]);
    expect(await bashCompletes(script, "kontinue", "")).toEqual(
      expect.arrayContaining(["build", "cluster", "completion", "dev", "execute", "signal", "worker"]),
    );
  });

  it("completes a command's flags and the root's, and a flag's choices", async () => {
    expect(await bashCompletes(script, "kontinue", "execute", "--wa")).toEqual(["--wait"]);
    expect(await bashCompletes(script, "kontinue", "cluster", "serve", "--p")).toEqual(["--port"]);
    expect(await bashCompletes(script, "kontinue", "build", "--d")).toEqual(["--docker", "--dry-run", "--debug"]);
    expect(await bashCompletes(script, "kontinue", "execute", "greet", "-o", "")).toEqual(["name", "json", "yaml"]);
    expect(await bashCompletes(script, "kontinue", "completion", "")).toEqual([]);
  });

  it("leaves a flag's free-form value to the shell's file names", async () => {
    expect(await bashCompletes(script, "kontinue", "dev", "--kubeconfig", "")).toEqual([]);
  });

  it("writes a zsh script that describes every command and flag of the tree", async () => {
    const program = await createProgram();
    const zsh = completionScript(program, "zsh");
    expect(zsh.startsWith("#compdef kontinue\n")).toBe(true);
    for (const command of program.commands) {
      expect(zsh).toContain(`'${command.name()}:${command.description().replaceAll("'", "'\\''")}'`);
      for (const option of command.options) expect(zsh).toContain(`'${option.long}:`);
    }
    expect(zsh).toContain("(' execute|--output'|' execute|-o') compadd -- 'name' 'json' 'yaml'; return ;;");
  });
});
