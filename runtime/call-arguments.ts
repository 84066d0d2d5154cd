// Checks of what a Function passes to `ctx`: a wrong argument fails that call with a message naming the
// call and the argument, before it takes a sequence number (so the check is the same on every replay).
import { parseDuration, type Duration } from "./duration.ts";
import { KontinueError, isKontinueError } from "./kontinue-error.ts";

export class InvalidCallError extends KontinueError {
  readonly call: string;
  readonly argument: string;
  constructor(call: string, argument: string, why: string) {
    super("RUNTIME_INVALID_CALL", `${call}: ${argument} ${why}`, { terminal: true });
    this.name = "InvalidCallError";
    this.call = call;
    this.argument = argument;
  }
}

/** The milliseconds of a duration argument, or an `InvalidCallError` naming the call. */
export function durationArgument(call: string, argument: string, value: unknown): number {
  if (typeof value !== "number" && typeof value !== "string") {
    throw new InvalidCallError(
      call,
      argument,
      `must be a duration (milliseconds, or text like "10s", "5m", "2h"), got ${describe(value)}`,
    );
  }
  try {
    return parseDuration(value as Duration);
  } catch (error) {
    if (!isKontinueError(error, "RUNTIME_INVALID_DURATION")) throw error;
    throw new InvalidCallError(
      call,
      argument,
      `must be a duration (milliseconds, or text like "10s", "5m", "2h"), got ${describe(value)}`,
    );
  }
}

export function stringArgument(call: string, argument: string, value: unknown): string {
  if (typeof value !== "string" || value === "")
    throw new InvalidCallError(call, argument, `must be a non-empty string, got ${describe(value)}`);
  return value;
}

export function functionArgument<F>(call: string, argument: string, value: unknown): F {
  if (typeof value !== "function")
    throw new InvalidCallError(call, argument, `must be a function, got ${describe(value)}`);
  return value as F;
}

export function optionsArgument<T extends object>(call: string, value: unknown, keys: readonly string[]): T {
  if (value === undefined) return {} as T;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InvalidCallError(call, "options", `must be an object, got ${describe(value)}`);
  }
  const unknown = Object.keys(value).filter((key) => !keys.includes(key));
  if (unknown.length > 0) {
    throw new InvalidCallError(
      call,
      "options",
      `has unknown key(s) ${unknown.map((k) => `"${k}"`).join(", ")}; known: ${keys.join(", ")}`,
    );
  }
  return value as T;
}

function describe(value: unknown): string {
  if (value === undefined) return "undefined";
  if (typeof value === "function") return "a function";
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
