// `kontinue --help` and `kontinue <command> --help`: every flag listed, with its default.
import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { createProgram } from "./program.ts";

function commandsOf(command: Command): Command[] {
  return [command, ...command.commands.flatMap(commandsOf)];
}

/** Help text with commander's wrapping undone, so a flag and its "(default: …)" share a line. */
function helpOf(command: Command): string {
  command.configureOutput({ getOutHelpWidth: () => 10_000 });
  return command.helpInformation();
}

describe("help", () => {
  const commands = commandsOf(createProgram());

  it("lists every flag of every command with its default, and the global flags", () => {
    expect(commands.length).toBeGreaterThan(8);
    for (const command of commands) {
      const lines = helpOf(command).split("\n");
      for (const option of [...command.options, ...createProgram().options]) {
        const line = lines.find((text) => text.trimStart().startsWith(option.flags));
        expect(line, `${command.name()} --help lists ${option.flags}`).toBeDefined();
        if (option.defaultValue !== undefined && option.defaultValue !== false)
          expect(line).toContain(`default: ${JSON.stringify(option.defaultValue)}`);
      }
    }
  });
});
