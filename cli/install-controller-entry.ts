// The entry the controller image runs (`kontinue install` bundles it): the `kontinue` command with `controller`
// alone, so that the image holds the controller and nothing else of the CLI.
import { Command, CommanderError } from "commander";
import { describeErrorChain } from "../runtime/index.ts";
import { registerControllerCommand } from "./controller-command.ts";

const program = new Command("kontinue").exitOverride();
registerControllerCommand(program);
try {
  await program.parseAsync(process.argv.slice(2), { from: "user" });
} catch (error) {
  if (!(error instanceof CommanderError)) process.stderr.write(`kontinue: ${describeErrorChain(error)}\n`);
  process.exitCode = 1;
}
