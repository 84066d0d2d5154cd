// Time, injectable: the system clock by default, a manual clock in tests.

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason once it aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** setTimeout's longest delay (2^31 − 1 ms, 24.8 days); longer ones would fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const wakeAt = Date.now() + Math.max(0, ms);
      let timer: NodeJS.Timeout;
      // Long sleeps are chained timers, each at most MAX_TIMER_MS, re-aimed at the wake time.
      const arm = (): void => {
        const remaining = wakeAt - Date.now();
        if (remaining <= 0) {
          signal?.removeEventListener("abort", onAbort);
          return resolve();
        }
        timer = setTimeout(arm, Math.min(remaining, MAX_TIMER_MS));
      };
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(signal!.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      timer = setTimeout(arm, Math.min(Math.max(0, ms), MAX_TIMER_MS));
    }),
};

/** A clock that moves only when told to (`advance`); sleepers wake in time order. */
export class ManualClock implements Clock {
  private current: number;
  private sleepers: { until: number; resolve: () => void }[] = [];

  constructor(start: number | Date = Date.UTC(2026, 0, 1)) {
    this.current = typeof start === "number" ? start : start.getTime();
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const sleeper = { until: this.current + Math.max(0, ms), resolve };
      this.sleepers.push(sleeper);
      signal?.addEventListener(
        "abort",
        () => {
          this.sleepers = this.sleepers.filter((s) => s !== sleeper);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  }

  /** Moves time forward by `ms`, waking every sleeper that is then due. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      this.sleepers.sort((a, b) => a.until - b.until);
      const next = this.sleepers[0];
      if (next === undefined || next.until > target) break;
      this.sleepers.shift();
      this.current = Math.max(this.current, next.until);
      next.resolve();
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.current = target;
  }

  /** When the next sleeper wakes, if any waits. */
  get nextWake(): number | undefined {
    return this.sleepers.length === 0 ? undefined : Math.min(...this.sleepers.map((sleeper) => sleeper.until));
  }

  /** How many sleepers wait. */
  get pending(): number {
    return this.sleepers.length;
  }
}
