// defineFunction: what a Function file default-exports — its code plus plain-data settings.
import type { Context } from "./context.ts";
import { KontinueError } from "./kontinue-error.ts";

const brand = Symbol.for("kontinue.function");

export interface FunctionScaling {
  /** Workers kept running when idle (default 0). */
  minReplicas?: number;
  /** Most workers at once (default 10). */
  maxReplicas?: number;
  /** Pending + executing executions per worker before another starts (default 5). */
  targetPendingPerReplica?: number;
  /** Seconds without a higher desire before scaling down (default 300). */
  cooldownSeconds?: number;
}

export interface FunctionRetry {
  /** Attempts of an execution (crashes, expired leases) before it fails (default 3). */
  maxAttempts?: number;
}

export interface FunctionRevisions {
  /**
   * Seconds an old revision's workers keep running after a newer one is active, to finish what they hold (default: the
   * controller's).
   */
  drainGraceSeconds?: number;
}

export interface FunctionOptions<Args, Result> {
  run(ctx: Context, args: Args): Promise<Result> | Result;
  retry?: FunctionRetry;
  /** Wall-clock limit of one execution, from its first start; past it the execution fails. */
  timeoutSeconds?: number;
  /** Executions one worker runs at once (default 10). */
  concurrency?: number;
  scaling?: FunctionScaling;
  revisions?: FunctionRevisions;
}

// biome-ignore lint/suspicious/noExplicitAny: an unannotated definition accepts and returns anything, as its run does
export interface FunctionDefinition<Args = any, Result = any> extends FunctionOptions<Args, Result> {
  readonly [brand]: true;
}

export class InvalidFunctionDefinitionError extends KontinueError {
  constructor(why: string) {
    super(
      "RUNTIME_INVALID_DEFINITION",
      `cannot define function: ${why}; see defineFunction's options (run, retry, timeoutSeconds, concurrency, ` +
        `scaling, revisions)`,
      { terminal: true },
    );
    this.name = "InvalidFunctionDefinitionError";
  }
}

const knownKeys = new Set(["run", "retry", "timeoutSeconds", "concurrency", "scaling", "revisions"]);
const scalingKeys = new Set(["minReplicas", "maxReplicas", "targetPendingPerReplica", "cooldownSeconds"]);
const revisionsKeys = new Set(["drainGraceSeconds"]);

/** Declares a durable function; default-export it from a file named after the function. */
export function defineFunction<Args = unknown, Result = unknown>(
  options: FunctionOptions<Args, Result>,
): FunctionDefinition<Args, Result> {
  if (typeof options !== "object" || options === null)
    throw new InvalidFunctionDefinitionError("expected an options object");
  const unknown = Object.keys(options).filter((key) => !knownKeys.has(key));
  if (unknown.length > 0)
    throw new InvalidFunctionDefinitionError(`unknown option ${unknown.map((k) => `"${k}"`).join(", ")}`);
  if (typeof options.run !== "function")
    throw new InvalidFunctionDefinitionError('"run" must be a function (ctx, args) => result');
  positiveInteger("concurrency", options.concurrency);
  positiveInteger("timeoutSeconds", options.timeoutSeconds);
  positiveInteger("retry.maxAttempts", options.retry?.maxAttempts);
  knownSubKeys("scaling", options.scaling, scalingKeys);
  knownSubKeys("revisions", options.revisions, revisionsKeys);
  nonNegativeInteger("revisions.drainGraceSeconds", options.revisions?.drainGraceSeconds);
  return Object.freeze({ ...options, [brand]: true as const });
}

/** True for a value made by `defineFunction`, from any copy of the runtime. */
export function isFunctionDefinition(value: unknown): value is FunctionDefinition {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}

function knownSubKeys(option: string, value: object | undefined, known: ReadonlySet<string>): void {
  if (value === undefined) return;
  if (typeof value !== "object" || value === null)
    throw new InvalidFunctionDefinitionError(`"${option}" must be an object`);
  const extra = Object.keys(value).filter((key) => !known.has(key));
  if (extra.length > 0)
    throw new InvalidFunctionDefinitionError(`unknown ${option} option ${extra.map((k) => `"${k}"`).join(", ")}`);
}

function nonNegativeInteger(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= 0)) {
    throw new InvalidFunctionDefinitionError(`"${name}" must be a non-negative integer, got ${JSON.stringify(value)}`);
  }
}

function positiveInteger(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
    throw new InvalidFunctionDefinitionError(`"${name}" must be a positive integer, got ${JSON.stringify(value)}`);
  }
}
