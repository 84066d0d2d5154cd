// The browser's event stream: changes of every watched object, coalesced per object, numbered by resourceVersion,
// kept in a bounded buffer so a reconnecting browser resumes after its `Last-Event-ID` (or gets a fresh snapshot).
import { systemClock, type Clock } from "../../runtime/index.ts";

export type StreamKind = "execution" | "function" | "schedule";

/** One object's change: `row` is the new projected row, absent for a delete. */
export interface StreamChange {
  kind: StreamKind;
  /** `namespace/name` */
  key: string;
  row?: unknown;
}

/** What a subscriber receives: a batch of changes after `id`, or (`reset`) the whole state at `id`. */
export interface StreamMessage {
  type: "changes" | "reset";
  id: string;
  changes: StreamChange[];
}

export interface ResourceStreamOptions {
  /** Every object's current row, for a snapshot. */
  snapshot(): StreamChange[];
  /** The least time between two batches, so a burst of updates to one object sends its last. Default 20 ms. */
  coalesceMs?: number;
  /** Changes kept for resuming. Default 20,000. */
  bufferSize?: number;
  clock?: Clock;
}

interface Numbered extends StreamChange {
  id: string;
}

export class ResourceStream {
  readonly #options: ResourceStreamOptions;
  readonly #clock: Clock;
  readonly #buffer: Numbered[] = [];
  readonly #pending = new Map<string, Numbered>();
  readonly #subscribers = new Set<(message: StreamMessage) => void>();
  #flushing = false;
  #lastFlush = Number.NEGATIVE_INFINITY;
  /** Bumped by `resync`: ids from before it are unknown, as after a server restart. */
  #epoch = 0;

  constructor(options: ResourceStreamOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
  }

  /** Records a change of one object, numbered by the resourceVersion that produced it. */
  publish(change: StreamChange, resourceVersion: string): void {
    this.#pending.set(`${change.kind}/${change.key}`, { ...change, id: resourceVersion });
    if (this.#flushing) return;
    this.#flushing = true;
    // A change after a quiet spell goes out at once (with whatever arrives in the same turn); under a stream of
    // changes, batches leave at most once per window, so a burst of updates to one object sends its last state.
    const wait = Math.max(0, this.#lastFlush + (this.#options.coalesceMs ?? 20) - this.#clock.now());
    void this.#clock.sleep(wait).then(() => this.#flush());
  }

  /**
   * Sends what `lastEventId` has not seen yet, then every later batch. An id the buffer no longer holds (or none)
   * gets a snapshot (`reset`), as a 410 Gone makes an informer relist. Returns the unsubscribe function.
   */
  subscribe(lastEventId: string | undefined, send: (message: StreamMessage) => void): () => void {
    const index = lastEventId === undefined ? -1 : this.#indexOf(lastEventId);
    if (index === -1) send(this.#reset());
    else if (index < this.#buffer.length - 1) {
      const missed = this.#buffer.slice(index + 1);
      send({ type: "changes", id: missed.at(-1)!.id, changes: missed.map(({ id: _, ...change }) => change) });
    }
    this.#subscribers.add(send);
    return () => this.#subscribers.delete(send);
  }

  /**
   * After a relist (an informer's 410 Gone): drops the buffer, whose ids may have gaps now, and sends every subscriber
   * a snapshot; a browser reconnecting with an older id gets one too.
   */
  resync(): void {
    this.#buffer.length = 0;
    this.#epoch++;
    const message = this.#reset();
    for (const send of this.#subscribers) send(message);
  }

  get subscriberCount(): number {
    return this.#subscribers.size;
  }

  #indexOf(id: string): number {
    const [epoch, resourceVersion] = splitId(id);
    if (epoch !== this.#epoch) return -1;
    for (let i = this.#buffer.length - 1; i >= 0; i--) if (this.#buffer[i]!.id === resourceVersion) return i;
    return -1;
  }

  #reset(): StreamMessage {
    return { type: "reset", id: this.#publicId(this.#buffer.at(-1)?.id ?? ""), changes: this.#options.snapshot() };
  }

  #publicId(resourceVersion: string): string {
    return this.#epoch === 0 ? resourceVersion : `${this.#epoch}:${resourceVersion}`;
  }

  #flush(): void {
    this.#flushing = false;
    this.#lastFlush = this.#clock.now();
    if (this.#pending.size === 0) return;
    const batch = [...this.#pending.values()];
    this.#pending.clear();
    this.#buffer.push(...batch);
    const limit = this.#options.bufferSize ?? 20_000;
    if (this.#buffer.length > limit) this.#buffer.splice(0, this.#buffer.length - limit);
    const message: StreamMessage = {
      type: "changes",
      id: this.#publicId(batch.at(-1)!.id),
      changes: batch.map(({ id: _, ...change }) => change),
    };
    for (const send of this.#subscribers) send(message);
  }
}

function splitId(id: string): [number, string] {
  const colon = id.indexOf(":");
  return colon === -1 ? [0, id] : [Number(id.slice(0, colon)), id.slice(colon + 1)];
}
