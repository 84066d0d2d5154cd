// In-memory fan-out of committed changes to open watches: the write path publishes, no polling.
import type { Change } from "./store.ts";

export type ChangeListener = (change: Change) => void;

export class ChangeFeed {
  readonly #listeners = new Map<string, Set<ChangeListener>>();

  /** Calls `listener` with every later change of `resource`; returns the unsubscribe function. */
  subscribe(resource: string, listener: ChangeListener): () => void {
    let set = this.#listeners.get(resource);
    if (!set) this.#listeners.set(resource, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.#listeners.get(resource) === set) this.#listeners.delete(resource);
    };
  }

  publish(change: Change): void {
    const set = this.#listeners.get(change.resource);
    if (!set) return;
    for (const listener of [...set]) listener(change);
  }
}
