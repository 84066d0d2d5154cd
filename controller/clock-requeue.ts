// Requeues on the injected clock: a reconciler's `requeueAfter` becomes a `clock.sleep`, so a controller
// driven by a ManualClock wakes when its test advances time (WorkQueue's own requeue runs on real timers).
// An earlier wake for a key wins over a later one, as WorkQueue.addAfter does. A wake further away than a
// timer can wait (2^31-1 ms, 24.8 days) reconciles early, and the reconciler asks again for the rest.
import type { Clock } from "../runtime/index.ts";
import type { Reconciler } from "./work-queue.ts";

export interface ClockRequeueOptions {
  clock: Clock;
  /** Queues the key again (the WorkQueue's `add`). */
  add(key: string): void;
  /** Cancels every pending wake when it aborts. */
  signal: AbortSignal;
}

/** The longest a Node timer waits; a longer one fires at once. */
const maxTimerMs = 2 ** 31 - 1;

export function requeueOnClock(reconcile: Reconciler, options: ClockRequeueOptions): Reconciler {
  const wakes = new Map<string, { at: number; abort: AbortController }>();
  return async (key) => {
    // requeueAfter counts from when the reconcile read the clock, not from when it returned.
    const startedAt = options.clock.now();
    const result = await reconcile(key);
    const ms = result.requeueAfter === undefined ? undefined : startedAt + result.requeueAfter - options.clock.now();
    if (ms === undefined || options.signal.aborted) return {};
    // Now: WorkQueue re-runs a key that is added while it is being reconciled.
    if (ms <= 0) {
      options.add(key);
      return {};
    }
    const wait = Math.min(ms, maxTimerMs);
    const at = options.clock.now() + wait;
    const existing = wakes.get(key);
    if (existing !== undefined && existing.at <= at) return {};
    existing?.abort.abort();
    const abort = new AbortController();
    const wake = { at, abort };
    wakes.set(key, wake);
    options.clock.sleep(wait, AbortSignal.any([abort.signal, options.signal])).then(
      () => {
        if (wakes.get(key) === wake) wakes.delete(key);
        options.add(key);
      },
      () => {
        if (wakes.get(key) === wake) wakes.delete(key);
      },
    );
    return {};
  };
}
