// The error a failed step throws — the first time and, identically, on every replay.
import type { ErrorInfo, JournalEntry } from "../crds/index.ts";
import { KontinueError, isKontinueError } from "./kontinue-error.ts";

/** The recorded form of any error: its code (or name), message and stack. */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof Error) {
    const type = isKontinueError(error) ? error.code : error.name;
    return { type, message: error.message, ...(error.stack === undefined ? {} : { stack: error.stack }) };
  }
  return { type: "Error", message: String(error) };
}

export class StepFailedError extends KontinueError {
  readonly seq: number;
  readonly kind: JournalEntry["kind"];
  readonly stepName: string;
  /** The recorded error's code or name, e.g. `TypeError`, `RUNTIME_POLL_TIMEOUT`. */
  readonly errorType: string;

  constructor(entry: JournalEntry, options: { cause?: unknown; code?: string } = {}) {
    const error = entry.error ?? { type: "Error", message: "unknown failure" };
    const attempts = entry.attempts === 1 ? "1 attempt" : `${entry.attempts} attempts`;
    super(
      options.code ?? "RUNTIME_STEP_FAILED",
      `step ${entry.seq} (${entry.kind} "${entry.name}") failed after ${attempts}: ${error.message}`,
      {
        cause: options.cause,
        terminal: true,
      },
    );
    this.name = "StepFailedError";
    this.seq = entry.seq;
    this.kind = entry.kind;
    this.stepName = entry.name;
    this.errorType = error.type;
  }
}

/** A child execution started with `ctx.execute` failed or was cancelled. */
export class ChildExecutionFailedError extends StepFailedError {
  readonly child: string;
  constructor(entry: JournalEntry, options: { cause?: unknown } = {}) {
    super(entry, { ...options, code: "RUNTIME_CHILD_FAILED" });
    this.name = "ChildExecutionFailedError";
    this.child = entry.child ?? "";
  }
}

/** The error to throw for a failed journal entry, on the first run and on replay alike. */
export function stepError(entry: JournalEntry, cause?: unknown): StepFailedError {
  return entry.kind === "execute" && entry.child !== undefined && entry.error?.type === "RUNTIME_CHILD_FAILED"
    ? new ChildExecutionFailedError(entry, { cause })
    : new StepFailedError(entry, { cause });
}
