// A command used wrongly (a bad flag, a missing file): nothing was done; the message says what to change.
import { KontinueError } from "../runtime/client-entry.ts";

export class UsageError extends KontinueError {
  constructor(message: string, cause?: unknown) {
    super("CLI_BAD_FLAG", message, { cause, terminal: true });
    this.name = "UsageError";
  }
}
