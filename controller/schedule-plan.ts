// What a ScheduledExecution should do now, as a pure function of its spec, status, runs and the time:
// Kubernetes CronJob's rules. The last slot since lastScheduleTime (or creation) is started, not each one
// missed; startingDeadlineSeconds drops slots older than that; more than 100 missed slots is reported
// (CronJob's "too many missed start times") and only the latest starts. Forbid skips a slot while a run
// is active (it starts late once the run finishes, if still within the deadline), Replace cancels the
// active runs, Allow overlaps. Finished runs past the history limits are pruned, oldest first.
import type { ExecutionPhase, ScheduledExecution, ScheduledExecutionStatus } from "../crds/index.ts";
import type { CronSchedule } from "./schedule-cron.ts";

/** An execution started by the schedule, as the plan needs it. */
export interface ScheduledRun {
  name: string;
  phase: ExecutionPhase | undefined;
  /** The slot it was started for (ms). */
  scheduledAt: number;
  /** status.completedAt (ms), once finished. */
  finishedAt?: number;
  cancelRequested: boolean;
}

export interface ScheduleEvent {
  type: "Normal" | "Warning";
  reason: string;
  message: string;
  /** Makes the Event's name, so the same event for the same slot is recorded once. */
  dedupe: string;
}

export interface SchedulePlan {
  /** The execution to start, named after its slot. */
  start?: { name: string; scheduledAt: number };
  /** Active runs to cancel (Replace). */
  cancel: string[];
  /** Finished runs past the history limits. */
  prune: string[];
  events: ScheduleEvent[];
  /** Everything but observedGeneration and conditions. */
  status: ScheduledExecutionStatus;
  requeueAfter?: number;
}

/** Past this many missed slots, CronJob reports "too many missed start times" and starts only the latest. */
export const MAX_MISSED_SLOTS = 100;

const finishedPhases = new Set<ExecutionPhase | undefined>(["Completed", "Failed", "Cancelled"]);

/** `<schedule>-<unix minutes>` (or seconds, for a rule with a seconds field): one name per slot. */
export function scheduledExecutionName(schedule: string, at: number, resolution: CronSchedule["resolution"]): string {
  return `${schedule}-${Math.floor(at / (resolution === "seconds" ? 1000 : 60_000))}`;
}

export interface ScheduleInput {
  schedule: ScheduledExecution;
  cron: CronSchedule;
  now: number;
  runs: readonly ScheduledRun[];
}

export function planSchedule(input: ScheduleInput): SchedulePlan {
  const { schedule, cron, now } = input;
  const spec = schedule.spec;
  const name = schedule.metadata.name!;
  const runs = [...input.runs].sort((a, b) => a.scheduledAt - b.scheduledAt);
  const active = runs.filter((run) => !finishedPhases.has(run.phase));
  const endOf = (run: ScheduledRun) => run.finishedAt ?? run.scheduledAt;
  const newestFirst = (phases: ExecutionPhase[]) =>
    runs.filter((run) => phases.includes(run.phase!)).sort((a, b) => endOf(b) - endOf(a));
  const succeeded = newestFirst(["Completed"]);
  const failed = newestFirst(["Failed", "Cancelled"]);
  const prune = [
    ...succeeded.slice(spec.successfulHistoryLimit ?? 3),
    ...failed.slice(spec.failedHistoryLimit ?? 1),
  ].map((run) => run.name);

  const lastSuccess = Math.max(
    parseTime(schedule.status?.lastSuccessfulTime) ?? -Infinity,
    ...succeeded.map((run) => run.finishedAt ?? -Infinity),
  );
  const lastScheduleTime = schedule.status?.lastScheduleTime;
  const status: ScheduledExecutionStatus = {
    ...(lastScheduleTime === undefined ? {} : { lastScheduleTime }),
    ...(Number.isFinite(lastSuccess) ? { lastSuccessfulTime: new Date(lastSuccess).toISOString() } : {}),
    active: active.map((run) => run.name),
  };
  const plan: SchedulePlan = { cancel: [], prune, events: [], status };
  if (spec.suspend === true) return plan;

  const next = cron.next(now);
  status.nextScheduleTime = new Date(next).toISOString();
  plan.requeueAfter = next - now;

  const since = parseTime(lastScheduleTime) ?? parseTime(schedule.metadata.creationTimestamp) ?? now;
  const deadline = spec.startingDeadlineSeconds === undefined ? undefined : now - spec.startingDeadlineSeconds * 1000;
  const earliest = deadline === undefined ? since : Math.max(since, deadline);
  if (deadline !== undefined && deadline > since) {
    const missed = cron.latest(deadline, since);
    if (missed !== undefined) {
      plan.events.push({
        type: "Warning",
        reason: "MissedSchedule",
        message:
          `missed the run due at ${iso(missed)}: ` +
          `it is older than startingDeadlineSeconds (${spec.startingDeadlineSeconds}s)`,
        dedupe: `missed-${missed}`,
      });
    }
  }
  const slot = cron.latest(now, earliest);
  if (slot === undefined) return plan;
  if (cron.count(earliest, now, MAX_MISSED_SLOTS + 1) > MAX_MISSED_SLOTS) {
    plan.events.push({
      type: "Warning",
      reason: "TooManyMissedTimes",
      message:
        `too many missed start times (more than ${MAX_MISSED_SLOTS}) since ${iso(earliest)}; ` +
        `starting only the latest, due at ${iso(slot)}; set startingDeadlineSeconds to bound how late a run may start`,
      dedupe: `too-many-missed-${slot}`,
    });
  }
  const runName = scheduledExecutionName(name, slot, cron.resolution);
  const started = runs.some((run) => run.name === runName);
  if (!started && spec.concurrencyPolicy === "Forbid" && active.length > 0) {
    plan.events.push({
      type: "Normal",
      reason: "AlreadyActive",
      message:
        `not starting the run due at ${iso(slot)}: ${active.map((run) => `"${run.name}"`).join(", ")} ` +
        "still running and concurrencyPolicy is Forbid",
      dedupe: `forbid-${slot}`,
    });
    return plan;
  }
  status.lastScheduleTime = iso(slot);
  if (started) return plan;
  if (spec.concurrencyPolicy === "Replace") {
    plan.cancel = active.filter((run) => !run.cancelRequested).map((run) => run.name);
  }
  plan.start = { name: runName, scheduledAt: slot };
  status.active = [...status.active!, runName];
  return plan;
}

function parseTime(value: string | Date | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isNaN(parsed) ? undefined : parsed;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
