// `kontinue new <name> [--template t] [--dir functions]`: scaffolds a Function file from a template.
import type { Command } from "commander";

export interface NewCommandOptions {
  template: string;
  dir: string;
  list?: boolean;
  force?: boolean;
}

export function registerNewCommand(program: Command): void {
  program
    .command("new")
    .argument("[name]", "the function's name, e.g. processOrder (the file is <dir>/<name>.ts)")
    .option("-t, --template <template>", "the template to start from", "basic")
    .option("--dir <dir>", "the folder of Function files to write to", "functions")
    .option("--list", "list the templates, one line each, and exit")
    .option("--force", "overwrite files that already exist")
    .action(async (name: string | undefined, options: NewCommandOptions) => {
      const { listTemplates, scaffoldFunction } = await import("./new-function.ts");
      if (options.list === true) process.stdout.write(listTemplates());
      else process.stdout.write(await scaffoldFunction({ name, ...options }));
    });
}
