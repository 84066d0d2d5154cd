// The browser's copy of the cluster: rows by key per kind, bumped as a version signal so one batch is one render.
import { signal } from "@preact/signals";
import type { ExecutionRow } from "../server/execution-row.ts";
import type { FunctionRow } from "../server/function-row.ts";
import type { StreamChange } from "../server/resource-stream.ts";
import type { ScheduleRow } from "../server/schedule-row.ts";

export const executions = new Map<string, ExecutionRow>();
export const functions = new Map<string, FunctionRow>();
export const schedules = new Map<string, ScheduleRow>();
/** Bumped after every applied batch; views that read rows read this first. */
export const version = signal(0);
/** Keys changed by the last batch, so an open detail view refetches only for its own execution. */
export const lastChanged = signal<ReadonlySet<string>>(new Set());

const maps = { execution: executions, function: functions, schedule: schedules } as const;

export function applyChanges(changes: readonly StreamChange[], reset: boolean): void {
  if (reset) for (const map of Object.values(maps)) map.clear();
  const changed = new Set<string>();
  for (const change of changes) {
    const map = maps[change.kind] as Map<string, unknown>;
    if (change.row === undefined) map.delete(change.key);
    else map.set(change.key, change.row);
    changed.add(`${change.kind}/${change.key}`);
  }
  lastChanged.value = changed;
  version.value++;
}
