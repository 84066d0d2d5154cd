// When this controller saw each lease change, by its own clock (as client-go's leader election times a
// Lease): a lease expires once it has not changed for its duration since it was observed, whatever the
// holder's clock says. Also remembers the holder Pod's restart count when the lease was first seen, so a
// worker container that restarted since is known dead. Memory lives here, not in the reconciler: a
// restarted controller starts observing afresh, which only delays a reap by one lease duration.
import type { Execution } from "../crds/index.ts";

export interface LeaseObservation {
  /** When this lease value (holder, attempt, expiresAt) was first seen (observer's ms). */
  observedAt: number;
  /** The holder Pod's restart count when this attempt's lease was first seen, if known. */
  restarts: number | undefined;
}

export class LeaseObserver {
  private readonly seen = new Map<string, { attempt: string; value: string } & LeaseObservation>();

  /** Records `execution`'s lease as seen at `now`; answers when its current value was first seen. */
  observe(key: string, execution: Execution, now: number, restarts: number | undefined): LeaseObservation {
    const status = execution.status;
    const attempt = `${status?.lease?.holder ?? ""}/${status?.attempt ?? 0}`;
    const value = `${attempt}/${status?.lease?.expiresAt ?? ""}`;
    const previous = this.seen.get(key);
    if (previous?.value === value) return { observedAt: previous.observedAt, restarts: previous.restarts };
    const sameAttempt = previous?.attempt === attempt;
    const entry = {
      attempt,
      value,
      observedAt: now,
      restarts: sameAttempt ? (previous.restarts ?? restarts) : restarts,
    };
    this.seen.set(key, entry);
    return { observedAt: entry.observedAt, restarts: entry.restarts };
  }

  /** Drops what is known of `key` (the execution is no longer held). */
  forget(key: string): void {
    this.seen.delete(key);
  }

  get size(): number {
    return this.seen.size;
  }
}
