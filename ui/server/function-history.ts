// A Function's replicas and queue over time: the controller's scaling Events (which outlive a UI restart) merged
// with the Function status changes this server saw while running (bounded per Function).
import type { FunctionResource } from "../../crds/index.ts";
import type { ScalingEvent } from "./scaling-event.ts";

export interface HistoryPoint {
  at: number;
  /** Replicas written (an Event) or current (a status). */
  replicas: number;
  /** Ready replicas; only a status says. */
  readyReplicas?: number;
  /** Pending executions; a RevisionDeployed Event does not say. */
  pending?: number;
  executing?: number;
  source: "event" | "status";
  /** The Event's reason, for a point from an Event. */
  reason?: string;
}

/** Status points kept per Function; older ones give way. */
export const HISTORY_LIMIT = 500;

export class FunctionHistory {
  readonly #observed = new Map<string, HistoryPoint[]>();

  /** Records the Function's status at `now` when its figures changed since the last point. */
  observe(fn: FunctionResource, now: number): void {
    const key = `${fn.metadata.namespace ?? "default"}/${fn.metadata.name}`;
    const status = fn.status ?? {};
    const point: HistoryPoint = {
      at: now,
      replicas: status.replicas ?? 0,
      readyReplicas: status.readyReplicas ?? 0,
      pending: status.pending ?? 0,
      executing: status.executing ?? 0,
      source: "status",
    };
    const points = this.#observed.get(key) ?? [];
    const last = points.at(-1);
    const same =
      last !== undefined &&
      last.replicas === point.replicas &&
      last.readyReplicas === point.readyReplicas &&
      last.pending === point.pending &&
      last.executing === point.executing;
    if (same) return;
    points.push(point);
    if (points.length > HISTORY_LIMIT) points.shift();
    this.#observed.set(key, points);
  }

  forget(namespace: string, name: string): void {
    this.#observed.delete(`${namespace}/${name}`);
  }

  /** Every point for the Function, oldest first: its scaling Events and the statuses seen. */
  points(namespace: string, name: string, scaling: readonly ScalingEvent[]): HistoryPoint[] {
    const fromEvents = scaling.map(
      (event): HistoryPoint => ({
        at: event.at,
        replicas: event.replicas,
        ...(event.pending === undefined ? {} : { pending: event.pending }),
        ...(event.executing === undefined ? {} : { executing: event.executing }),
        source: "event",
        reason: event.reason,
      }),
    );
    return [...fromEvents, ...(this.#observed.get(`${namespace}/${name}`) ?? [])].sort((a, b) => a.at - b.at);
  }
}
