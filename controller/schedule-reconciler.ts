// Runs ScheduledExecutions: starts the execution of each due slot (named after the slot, so a restarted
// controller never starts one twice: 409 AlreadyExists means started), cancels or waits for active runs
// by concurrencyPolicy, prunes history, and writes status last. An invalid cron rule or time zone is a
// condition and an Event, not an error: nothing is retried until the spec changes.
import {
  API_VERSION,
  FUNCTION_LABEL,
  SCHEDULED_EXECUTION_LABEL,
  toResourceName,
  type Condition,
  type Execution,
  type ScheduledExecution,
  type ScheduledExecutionStatus,
} from "../crds/index.ts";
import { apiStatus, type Clock, type ResourceClient } from "../runtime/index.ts";
import type { Lister } from "./lister.ts";
import type { EventRecorder } from "./object-event.ts";
import { parseCronSchedule, type CronSchedule } from "./schedule-cron.ts";
import { planSchedule, type ScheduledRun } from "./schedule-plan.ts";
import { splitKey, type Reconciler } from "./work-queue.ts";

/** A label value's limit: the schedule's name is one on every execution it starts. */
const MAX_NAME_LENGTH = 63;
/** On every execution a schedule starts: the slot it was started for (RFC 3339). */
export const SCHEDULED_AT_ANNOTATION = "kontinue.cloud/scheduled-at";

export interface ScheduleReconcilerDeps {
  schedules: Lister<ScheduledExecution>;
  executions: Lister<Execution>;
  scheduleClient: ResourceClient<ScheduledExecution>;
  executionClient: ResourceClient<Execution>;
  recordEvent: EventRecorder;
  clock: Clock;
}

export function scheduleReconciler(deps: ScheduleReconcilerDeps): Reconciler {
  return async (key) => {
    const { namespace, name } = splitKey(key);
    const schedule = deps.schedules.get(namespace, name);
    if (schedule === undefined || schedule.metadata.deletionTimestamp !== undefined) return {};
    const now = deps.clock.now();
    const invalid = async (reason: string, message: string) => {
      const dedupe = `${reason}-${schedule.metadata.generation ?? 0}`;
      await deps.recordEvent(schedule, { type: "Warning", reason, message, dedupe }, now);
      const { nextScheduleTime: _dropped, ...status } = schedule.status ?? {};
      await writeStatus(deps, schedule, status, condition(schedule, "False", reason, message, now));
      return {};
    };
    if (name.length > MAX_NAME_LENGTH) {
      const message =
        `ScheduledExecution "${name}" has a name longer than ${MAX_NAME_LENGTH} characters, ` +
        `too long for label ${SCHEDULED_EXECUTION_LABEL} on its executions; re-create it under a shorter name`;
      return invalid("InvalidName", message);
    }
    let cron: CronSchedule;
    try {
      cron = parseCronSchedule(schedule.spec.schedule, schedule.spec.timeZone);
    } catch (error) {
      return invalid("InvalidSchedule", `${(error as Error).message}; fix spec.schedule or spec.timeZone`);
    }
    const runs = ownedRuns(deps.executions.list(), schedule);
    const plan = planSchedule({ schedule, cron, now, runs });
    for (const event of plan.events) await deps.recordEvent(schedule, event, now);
    for (const run of plan.cancel) await cancel(deps.executionClient, namespace, run);
    if (plan.start !== undefined) {
      await startRun(deps.executionClient, schedule, plan.start);
      const started = { type: "Normal", reason: "Started", message: `started execution "${plan.start.name}"` } as const;
      await deps.recordEvent(schedule, { ...started, dedupe: `started-${plan.start.scheduledAt}` }, now);
    }
    for (const run of plan.prune) {
      const uid = runs.find((r) => r.name === run)?.uid;
      await deps.executionClient.delete(namespace, run, { uid });
    }
    const ready =
      schedule.spec.suspend === true
        ? condition(schedule, "True", "Suspended", "spec.suspend is true: no executions are started", now)
        : condition(schedule, "True", "Scheduled", `next run due at ${plan.status.nextScheduleTime}`, now);
    await writeStatus(deps, schedule, plan.status, ready);
    return plan.requeueAfter === undefined ? {} : { requeueAfter: plan.requeueAfter };
  };
}

/** The executions this schedule started: its label, and owned by this very object (not an earlier one of the name). */
export function ownedRuns(
  executions: readonly Execution[],
  schedule: ScheduledExecution,
): (ScheduledRun & { uid?: string })[] {
  return executions.flatMap((execution) => {
    const meta = execution.metadata;
    const labelled = meta.labels?.[SCHEDULED_EXECUTION_LABEL] === schedule.metadata.name;
    if (meta.namespace !== schedule.metadata.namespace || !labelled) return [];
    if (!(meta.ownerReferences ?? []).some((owner) => owner.uid === schedule.metadata.uid)) return [];
    const scheduledAt = Date.parse(meta.annotations?.[SCHEDULED_AT_ANNOTATION] ?? String(meta.creationTimestamp ?? ""));
    const completedAt = Date.parse(execution.status?.completedAt ?? "");
    return [
      {
        name: meta.name!,
        ...(meta.uid === undefined ? {} : { uid: meta.uid }),
        phase: execution.status?.phase,
        scheduledAt: Number.isNaN(scheduledAt) ? 0 : scheduledAt,
        ...(Number.isNaN(completedAt) ? {} : { finishedAt: completedAt }),
        cancelRequested: execution.spec.cancelRequested === true,
      },
    ];
  });
}

/** The execution a schedule starts for `scheduledAt`: labelled, annotated with its slot, owned by the schedule. */
export function scheduledExecutionFor(
  schedule: ScheduledExecution,
  start: { name: string; scheduledAt: number },
): Execution {
  return {
    apiVersion: API_VERSION,
    kind: "Execution",
    metadata: {
      name: start.name,
      namespace: schedule.metadata.namespace,
      labels: {
        [FUNCTION_LABEL]: toResourceName(schedule.spec.function),
        [SCHEDULED_EXECUTION_LABEL]: schedule.metadata.name!,
      },
      annotations: { [SCHEDULED_AT_ANNOTATION]: new Date(start.scheduledAt).toISOString() },
      ownerReferences: [
        {
          apiVersion: API_VERSION,
          kind: "ScheduledExecution",
          name: schedule.metadata.name!,
          uid: schedule.metadata.uid!,
          controller: true,
          blockOwnerDeletion: false,
        },
      ],
    },
    spec: { function: schedule.spec.function, arguments: schedule.spec.arguments ?? null },
  };
}

async function startRun(
  client: ResourceClient<Execution>,
  schedule: ScheduledExecution,
  start: { name: string; scheduledAt: number },
): Promise<void> {
  try {
    await client.create(schedule.metadata.namespace!, scheduledExecutionFor(schedule, start));
  } catch (error) {
    // Started already, by this controller before a restart or by the other replica.
    if (apiStatus(error) !== 409) throw error;
  }
}

async function cancel(client: ResourceClient<Execution>, namespace: string, name: string): Promise<void> {
  try {
    await client.mergePatch(namespace, name, { spec: { cancelRequested: true } });
  } catch (error) {
    if (apiStatus(error) !== 404) throw error;
  }
}

function condition(
  schedule: ScheduledExecution,
  status: "True" | "False",
  reason: string,
  message: string,
  now: number,
): Condition {
  const previous = schedule.status?.conditions?.find((c) => c.type === "Ready");
  const since = previous?.status === status ? previous.lastTransitionTime : undefined;
  return {
    type: "Ready",
    status,
    reason,
    message,
    lastTransitionTime: since ?? new Date(now).toISOString(),
    observedGeneration: schedule.metadata.generation ?? 0,
  };
}

async function writeStatus(
  deps: ScheduleReconcilerDeps,
  schedule: ScheduledExecution,
  status: ScheduledExecutionStatus,
  ready: Condition,
): Promise<void> {
  const others = (schedule.status?.conditions ?? []).filter((c) => c.type !== "Ready");
  const observedGeneration = schedule.metadata.generation ?? 0;
  const desired: ScheduledExecutionStatus = { ...status, observedGeneration, conditions: [...others, ready] };
  if (canonicalJson(desired) === canonicalJson(schedule.status ?? {})) return;
  await deps.scheduleClient.replaceStatus({ ...schedule, status: desired });
}

/** JSON with object keys sorted, so a status read back from the server compares equal whatever its key order. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, field: unknown) =>
    field !== null && typeof field === "object" && !Array.isArray(field)
      ? Object.fromEntries(Object.entries(field).sort(([a], [b]) => a.localeCompare(b)))
      : field,
  );
}
