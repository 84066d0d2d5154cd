// The kubelet's crash-loop backoff: 10 s, 20 s, 40 s … capped at 5 minutes, forgotten after a
// container ran for 10 minutes (both configurable: tests use milliseconds).

export interface RestartBackoff {
  /** Delay after the first crash; default 10 s. */
  initialMillis: number;
  /** Default 5 minutes. */
  maxMillis: number;
  /** A run this long resets the backoff; default 10 minutes. */
  resetAfterMillis: number;
}

export const defaultRestartBackoff: RestartBackoff = {
  initialMillis: 10_000,
  maxMillis: 300_000,
  resetAfterMillis: 600_000,
};

/** The wait before restart number `restarts + 1`, given how long the last run lasted. */
export function restartDelay(
  backoff: RestartBackoff,
  previousDelay: number | undefined,
  lastRunMillis: number,
): number {
  if (previousDelay === undefined || lastRunMillis >= backoff.resetAfterMillis) return backoff.initialMillis;
  return Math.min(backoff.maxMillis, previousDelay * 2);
}
