// The base of every error Kontinue throws on purpose: a stable code, read-only context,
// a cause. Checked by brand, not instanceof: user bundles carry their own runtime copy.

const brand = Symbol.for("kontinue.error");

export interface KontinueErrorOptions {
  cause?: unknown;
  /** A terminal error is not retried: the same input gives the same failure. */
  terminal?: boolean;
}

export class KontinueError extends Error {
  readonly code: string;
  readonly terminal: boolean;
  readonly [brand] = true;

  constructor(code: string, message: string, options: KontinueErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "KontinueError";
    this.code = code;
    this.terminal = options.terminal ?? false;
  }
}

/** True for any Kontinue error (from any copy of the runtime), optionally with one code. */
export function isKontinueError(value: unknown, code?: string): value is KontinueError {
  if (typeof value !== "object" || value === null || (value as Record<symbol, unknown>)[brand] !== true) return false;
  return code === undefined || (value as KontinueError).code === code;
}

/** The message chain of an error and its causes, one per line, for the CLI. */
export function describeErrorChain(error: unknown): string {
  const lines: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 10; depth++) {
    lines.push(current instanceof Error ? current.message : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return lines.join("\n  caused by: ");
}
