// JSON given on the command line or in a file (arguments, payloads), with an error that says where it breaks
// and how to quote it.
import { KontinueError } from "../runtime/client-entry.ts";

/** Parses `text`; `source` names where it came from in the error (default: the command line). */
export function parseJsonArgument(what: string, text: string, source?: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    const verb = what.endsWith("s") ? "are" : "is";
    const reason = (cause as Error).message;
    const at = /at position (\d+)/.exec(reason);
    const where =
      at === null ? (text.trim() === "" ? "it is empty" : reason) : `${reason} (${lineAndColumn(text, Number(at[1]))})`;
    const fix =
      source === undefined
        ? `quote it for the shell, e.g. '{"orderId":"12345"}'`
        : `fix the file, or pass the ${what} on the command line`;
    throw new KontinueError(
      "CLI_BAD_ARGUMENTS",
      `the ${what} ${source === undefined ? `"${text}"` : `in "${source}"`} ${verb} not JSON: ${where}; ${fix}`,
      { cause, terminal: true },
    );
  }
}

function lineAndColumn(text: string, position: number): string {
  const before = text.slice(0, position).split("\n");
  return `line ${before.length}, column ${before.at(-1)!.length + 1}`;
}
