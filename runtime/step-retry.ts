// A step's retry policy: how many attempts, how long between them, which errors are worth retrying.
import { parseDuration, type Duration } from "./duration.ts";
import { isKontinueError } from "./kontinue-error.ts";

export interface StepRetry {
  /** Attempts in all, the first included (default 3; 1 means no retry). */
  maxAttempts?: number;
  /** Wait before the second attempt (default "100ms"). */
  initialInterval?: Duration;
  /** Each wait is the previous one times this (default 2). */
  backoffCoefficient?: number;
  /** Longest wait (default "10s"). */
  maxInterval?: Duration;
  /** Whether an error is worth another attempt (default: any error but a terminal Kontinue error). */
  retryable?: (error: unknown) => boolean;
}

export interface ResolvedStepRetry {
  maxAttempts: number;
  /** Wait in ms after failed attempt number `attempt` (1-based). */
  delayAfter(attempt: number): number;
  retryable(error: unknown): boolean;
}

export function resolveStepRetry(retry: StepRetry = {}): ResolvedStepRetry {
  const initial = parseDuration(retry.initialInterval ?? 100);
  const coefficient = retry.backoffCoefficient ?? 2;
  const max = parseDuration(retry.maxInterval ?? "10s");
  return {
    maxAttempts: Math.max(1, Math.floor(retry.maxAttempts ?? 3)),
    delayAfter: (attempt) => Math.min(max, initial * coefficient ** (attempt - 1)),
    retryable: retry.retryable ?? ((error) => !(isKontinueError(error) && error.terminal)),
  };
}
