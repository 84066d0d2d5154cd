// A controller's queue of keys: deduplicated, one reconcile at a time, failed keys retried with backoff.

export interface ReconcileResult {
  /** Reconcile this key again after so many milliseconds (a progress deadline, a restart backoff). */
  requeueAfter?: number;
}

export interface WorkQueueOptions {
  reconcile: (key: string) => ReconcileResult | Promise<ReconcileResult>;
  /** Where a failed reconcile is reported before its retry. */
  log: (message: string) => void;
  name: string;
  /** First retry delay after a failure; doubles up to `maxRetryMillis`. Default 5 ms. */
  baseRetryMillis?: number;
  /** Default 2 s. */
  maxRetryMillis?: number;
}

/** What a 409 looks like: another writer won; retry at once without a log line. */
function isConflict(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === 409;
}

export class WorkQueue {
  readonly #options: WorkQueueOptions;
  readonly #dirty = new Set<string>();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #failures = new Map<string, number>();
  #running = false;
  #scheduled: NodeJS.Immediate | undefined;
  #closed = false;

  constructor(options: WorkQueueOptions) {
    this.#options = options;
  }

  add(key: string): void {
    if (this.#closed) return;
    this.#dirty.add(key);
    this.#schedule();
  }

  /** Adds `key` after `millis` unless an earlier timer for it is pending. */
  addAfter(key: string, millis: number): void {
    if (this.#closed || this.#timers.has(key)) return;
    const timer = setTimeout(
      () => {
        this.#timers.delete(key);
        this.add(key);
      },
      Math.max(0, millis),
    );
    timer.unref();
    this.#timers.set(key, timer);
  }

  close(): void {
    this.#closed = true;
    if (this.#scheduled) clearImmediate(this.#scheduled);
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }

  #schedule(): void {
    if (this.#scheduled || this.#running || this.#closed) return;
    this.#scheduled = setImmediate(() => {
      this.#scheduled = undefined;
      void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#running = true;
    while (this.#dirty.size > 0 && !this.#closed) {
      const key = this.#dirty.values().next().value as string;
      this.#dirty.delete(key);
      await this.#run(key);
    }
    this.#running = false;
  }

  async #run(key: string): Promise<void> {
    const { baseRetryMillis = 5, maxRetryMillis = 2_000 } = this.#options;
    try {
      const result = await this.#options.reconcile(key);
      this.#failures.delete(key);
      if (result.requeueAfter !== undefined) this.addAfter(key, result.requeueAfter);
    } catch (error) {
      if (isConflict(error)) {
        this.#dirty.add(key);
        return;
      }
      const failures = (this.#failures.get(key) ?? 0) + 1;
      this.#failures.set(key, failures);
      const delay = Math.min(maxRetryMillis, baseRetryMillis * 2 ** (failures - 1));
      this.#options.log(
        `devcluster: ${this.#options.name} "${key}" failed (retrying ` +
          `in ${delay} ms): ${error instanceof Error ? error.message : String(error)}`,
      );
      this.addAfter(key, delay);
    }
  }
}
