// A keyed work queue, as controller-runtime has: a key is queued at most once, never processed by two
// workers at once, retried with per-key exponential backoff when its reconciler throws, and re-queued
// after `requeueAfter` when asked.
import type { Clock } from "../runtime/index.ts";

export interface ReconcileResult {
  /** Reconcile this key again after this many milliseconds. */
  requeueAfter?: number;
}

/** Input a key (`namespace/name`), output when to look again; a thrown error means back off. */
export type Reconciler = (key: string) => Promise<ReconcileResult>;

export interface WorkQueueOptions {
  name: string;
  reconcile: Reconciler;
  clock: Clock;
  /** Keys reconciled at once (default 4). */
  concurrency?: number;
  onError?(key: string, error: unknown): void;
  /** After every reconcile: how long it took (by the clock), and whether it threw. */
  onReconciled?(key: string, milliseconds: number, failed: boolean): void;
}

const baseBackoffMs = 5;
const maxBackoffMs = 10_000;

export class WorkQueue {
  private readonly options: WorkQueueOptions;
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private readonly active = new Set<string>();
  /** Keys that changed while being reconciled: queued again when that ends. */
  private readonly dirty = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private running = 0;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];

  constructor(options: WorkQueueOptions) {
    this.options = options;
  }

  add(key: string): void {
    if (this.stopped) return;
    if (this.active.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    this.queued.add(key);
    this.queue.push(key);
    this.pump();
  }

  /** Queues `key` after `ms`; an earlier pending timer for the key wins. */
  addAfter(key: string, ms: number): void {
    if (this.stopped) return;
    if (ms <= 0) return this.add(key);
    const at = this.options.clock.now() + ms;
    const existing = this.timers.get(key);
    if (existing !== undefined && existing.at <= at) return;
    if (existing !== undefined) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, ms);
    this.timers.set(key, { at, timer });
  }

  /** Stops taking work and waits for reconciles in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.queue.length = 0;
    this.queued.clear();
    if (this.running > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    const concurrency = this.options.concurrency ?? 4;
    while (!this.stopped && this.running < concurrency && this.queue.length > 0) {
      const key = this.queue.shift()!;
      this.queued.delete(key);
      this.active.add(key);
      this.running++;
      void this.process(key);
    }
  }

  private async process(key: string): Promise<void> {
    const started = this.options.clock.now();
    try {
      const result = await this.options.reconcile(key);
      this.options.onReconciled?.(key, this.options.clock.now() - started, false);
      this.failures.delete(key);
      if (result.requeueAfter !== undefined) this.addAfter(key, result.requeueAfter);
    } catch (error) {
      this.options.onReconciled?.(key, this.options.clock.now() - started, true);
      const failures = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, failures);
      this.options.onError?.(key, error);
      this.addAfter(key, Math.min(maxBackoffMs, baseBackoffMs * 2 ** (failures - 1)));
    } finally {
      this.active.delete(key);
      this.running--;
      if (this.dirty.delete(key)) this.add(key);
      this.pump();
      if (this.running === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }
}

/** `namespace/name` of an object, the key reconcilers take. */
export function keyOf(object: { metadata?: { namespace?: string; name?: string } }): string {
  return `${object.metadata?.namespace ?? ""}/${object.metadata?.name ?? ""}`;
}

export function splitKey(key: string): { namespace: string; name: string } {
  const slash = key.indexOf("/");
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
