// `kontinue --help` and `kontinue <command> --help`: every flag listed, with its default.
import type { Command } from "commander";
import { beforeAll, describe, expect, it } from "vitest";
import { COMMANDS, createProgram } from "./program.ts";

function commandsOf(command: Command): Command[] {
  return [command, ...command.commands.flatMap(commandsOf)];
}

/** Help text with commander's wrapping undone, so a flag and its "(default: …)" share a line. */
function helpOf(command: Command): string {
  command.configureOutput({ getOutHelpWidth: () => 10_000 });
  return command.helpInformation();
}

describe("help", () => {
  let program: Command;
  beforeAll(async () => {
    program = await createProgram();
  });

  it("lists every flag of every command with its default, and the global flags", () => {
    const commands = commandsOf(program);
    expect(commands.length).toBeGreaterThan(8);
    for (const command of commands) {
      const lines = helpOf(command).split("\n");
      for (const option of [...command.options, ...program.options]) {
        const line = lines.find((text) => text.trimStart().startsWith(option.flags));
        expect(line, `${command.name()} --help lists ${option.flags}`).toBeDefined();
        if (option.defaultValue !== undefined && option.defaultValue !== false)
          expect(line).toContain(`default: ${JSON.stringify(option.defaultValue)}`);
      }
    }
  });
});

describe("lazy command loading", () => {
  it("lists every command with its description when none is loaded (kontinue --help)", async () => {
    const listed = await createProgram({ only: undefined });
    const loaded = await createProgram();
    const summary = (program: Command) => program.commands.map((c) => [c.name(), c.description()]);
    expect(summary(listed)).toEqual(summary(loaded));
    expect(listed.commands.map((c) => c.name())).toEqual(COMMANDS.map((entry) => entry.name));
    expect(listed.commands.every((c) => c.options.length === 0)).toBe(true);
  });

  it("loads the command a command line names, and lists the others by name only", async () => {
    const program = await createProgram({ only: "execute" });
    const byName = (name: string) => program.commands.find((c) => c.name() === name)!;
    expect(byName("execute").options.map((o) => o.long)).toContain("--idempotency-key");
    expect(byName("get").options).toEqual([]);
  });

  it("loads every command for completion, which reads the whole tree", async () => {
    const program = await createProgram({ only: "completion" });
    const execute = program.commands.find((c) => c.name() === "execute")!;
    expect(execute.options.map((o) => o.long)).toContain("--wait");
  });
});
