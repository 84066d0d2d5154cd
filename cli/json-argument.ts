// JSON given on the command line (arguments, payloads), with an error that says how to quote it.
import { KontinueError } from "../runtime/index.ts";

export function parseJsonArgument(what: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    const verb = what.endsWith("s") ? "are" : "is";
    throw new KontinueError(
      "CLI_BAD_ARGUMENTS",
      `the ${what} "${text}" ${verb} not JSON; quote it for the shell, e.g. '{"orderId":"12345"}'`,
      { cause, terminal: true },
    );
  }
}
