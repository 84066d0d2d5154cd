// JSON values: what arguments, step values and results must be, checked at the call that produced them.
import { KontinueError } from "./kontinue-error.ts";

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export class NotJsonError extends KontinueError {
  readonly subject: string;
  readonly path: string;
  constructor(subject: string, path: string, why: string) {
    super(
      "RUNTIME_NOT_JSON",
      `${subject} is not JSON: ${path === "" ? "the value" : `"${path}"`} ${why}; return plain objects, arrays, ` +
        `strings, finite numbers, booleans or null (convert dates with toISOString())`,
      { terminal: true },
    );
    this.name = "NotJsonError";
    this.subject = subject;
    this.path = path;
  }
}

/**
 * Checks that `value` survives a JSON round trip unchanged, and returns that copy.
 * `undefined` stands for "no value" at the top level; `subject` names the value in errors.
 */
export function toJson(value: unknown, subject: string): JsonValue | undefined {
  if (value === undefined) return undefined;
  check(value, subject, "", new Set());
  return JSON.parse(JSON.stringify(value)) as JsonValue;
}

function check(value: unknown, subject: string, path: string, seen: Set<object>): void {
  switch (typeof value) {
    case "string":
    case "boolean":
      return;
    case "number":
      if (!Number.isFinite(value)) throw new NotJsonError(subject, path, `is ${value}, which JSON cannot hold`);
      return;
    case "bigint":
      throw new NotJsonError(subject, path, "is a BigInt; convert it to a string");
    case "function":
      throw new NotJsonError(subject, path, "is a function");
    case "symbol":
      throw new NotJsonError(subject, path, "is a symbol");
    case "undefined":
      throw new NotJsonError(subject, path, "is undefined inside an array");
    case "object":
      break;
  }
  if (value === null) return;
  const object = value as object;
  if (seen.has(object)) throw new NotJsonError(subject, path, "refers back to itself (a cycle)");
  seen.add(object);
  if (Array.isArray(object)) {
    object.forEach((item, index) => check(item, subject, `${path}[${index}]`, seen));
  } else {
    const prototype = Object.getPrototypeOf(object) as object | null;
    if (prototype !== Object.prototype && prototype !== null) {
      const kind = (object.constructor as { name?: string } | undefined)?.name ?? "class";
      throw new NotJsonError(subject, path, `is a ${kind} instance, which does not survive JSON`);
    }
    for (const [key, item] of Object.entries(object)) {
      if (item === undefined) continue;
      check(item, subject, path === "" ? key : `${path}.${key}`, seen);
    }
  }
  seen.delete(object);
}
