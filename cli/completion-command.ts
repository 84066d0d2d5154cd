// `kontinue completion bash|zsh`: prints the shell completion script for the whole command tree.
import { Argument, type Command } from "commander";
import { completionScript, SHELLS, type Shell } from "./shell-completion.ts";

export function registerCompletionCommand(program: Command): void {
  program
    .command("completion")
    .addArgument(new Argument("<shell>", "the shell").choices(SHELLS))
    .action((shell: Shell) => {
      process.stdout.write(completionScript(program, shell));
    });
}
