// What `kontinue get` shows of each kind: the words that name it, its table columns (and -o wide's), its rows.
import type { V1Deployment } from "@kubernetes/client-node";
import type { ObjectKind } from "../client/index.ts";
import {
  API_VERSION,
  type Execution,
  FUNCTION_LABEL,
  type FunctionResource,
  RETRY_OF_ANNOTATION,
  REVISION_LABEL,
  type ScheduledExecution,
} from "../crds/index.ts";
import { age, humanDuration } from "./human-duration.ts";
import { UsageError } from "./usage-error.ts";

/** A Function's revision (image digest) as `get revisions` prints it: from the Function's status and Deployments. */
export interface Revision {
  apiVersion: typeof API_VERSION;
  kind: "Revision";
  metadata: { name: string; namespace: string; creationTimestamp?: string };
  function: string;
  id: string;
  active: boolean;
  image?: string;
  deployment?: string;
  desiredReplicas: number;
  readyReplicas: number;
  pending: number;
  executing: number;
  suspended: number;
  drainingSince?: string;
}

export interface View<T> {
  /** The kind the objects are read as (revisions: functions). */
  kind: ObjectKind;
  columns: readonly string[];
  wideColumns: readonly string[];
  row(object: T, now: number): string[];
  wideRow(object: T, now: number): string[];
}

const cell = (value: unknown): string =>
  value === undefined || value === null || value === "" ? "<none>" : String(value);
const conditionOf = (fn: FunctionResource, type: string) => fn.status?.conditions?.find((c) => c.type === type);

export const executionView: View<Execution> = {
  kind: "executions",
  columns: ["Name", "Function", "Phase", "Attempt", "Age"],
  wideColumns: ["Revision", "Holder", "Duration", "Retry-Of"],
  row: (execution, now) => [
    execution.metadata.name!,
    execution.spec.function,
    execution.status?.phase ?? "Pending",
    String(execution.status?.attempt ?? 0),
    age(execution.metadata.creationTimestamp, now),
  ],
  wideRow: (execution, now) => {
    const started = execution.status?.startedAt;
    const ended = execution.status?.completedAt ? new Date(execution.status.completedAt).getTime() : now;
    return [
      cell(execution.status?.revision),
      cell(execution.status?.lease?.holder),
      started === undefined ? "<none>" : humanDuration(ended - new Date(started).getTime()),
      cell(execution.metadata.annotations?.[RETRY_OF_ANNOTATION]),
    ];
  },
};

export const functionView: View<FunctionResource> = {
  kind: "functions",
  columns: ["Name", "Function", "Ready", "Replicas", "Pending", "Executing", "Revision", "Age"],
  wideColumns: ["Suspended", "Reason", "Image"],
  row: (fn, now) => [
    fn.metadata.name!,
    fn.spec.functionName,
    cell(conditionOf(fn, "Ready")?.status),
    `${fn.status?.readyReplicas ?? 0}/${fn.status?.desiredReplicas ?? 0}`,
    String(fn.status?.pending ?? 0),
    String(fn.status?.executing ?? 0),
    cell(fn.status?.activeRevision),
    age(fn.metadata.creationTimestamp, now),
  ],
  wideRow: (fn) => [String(fn.status?.suspended ?? 0), cell(conditionOf(fn, "Ready")?.reason), fn.spec.image],
};

export const scheduleView: View<ScheduledExecution> = {
  kind: "schedules",
  columns: ["Name", "Schedule", "Function", "Suspend", "Active", "Last Schedule", "Age"],
  wideColumns: ["Next Schedule", "Time Zone"],
  row: (schedule, now) => [
    schedule.metadata.name!,
    schedule.spec.schedule,
    schedule.spec.function,
    String(schedule.spec.suspend ?? false),
    String(schedule.status?.active?.length ?? 0),
    schedule.status?.lastScheduleTime === undefined ? "<none>" : age(schedule.status.lastScheduleTime, now),
    age(schedule.metadata.creationTimestamp, now),
  ],
  wideRow: (schedule) => [cell(schedule.status?.nextScheduleTime), schedule.spec.timeZone ?? "UTC"],
};

export const revisionView: View<Revision> = {
  kind: "functions",
  columns: ["Function", "Revision", "Active", "Desired", "Ready", "Pending", "Executing", "Age"],
  wideColumns: ["Suspended", "Deployment", "Image"],
  row: (revision, now) => [
    revision.function,
    revision.id,
    String(revision.active),
    String(revision.desiredReplicas),
    String(revision.readyReplicas),
    String(revision.pending),
    String(revision.executing),
    age(revision.metadata.creationTimestamp, now),
  ],
  wideRow: (revision) => [String(revision.suspended), cell(revision.deployment), cell(revision.image)],
};

export type ViewName = "functions" | "executions" | "schedules" | "revisions";

const aliases: Record<string, ViewName> = {
  function: "functions",
  functions: "functions",
  fn: "functions",
  kfn: "functions",
  execution: "executions",
  executions: "executions",
  exec: "executions",
  kex: "executions",
  schedule: "schedules",
  schedules: "schedules",
  scheduledexecution: "schedules",
  scheduledexecutions: "schedules",
  kse: "schedules",
  revision: "revisions",
  revisions: "revisions",
  rev: "revisions",
};

/** The view a word names (`execution`, `kex`, `functions`…); a UsageError lists the choices otherwise. */
export function viewName(word: string): ViewName {
  const name = aliases[word.toLowerCase()];
  if (name === undefined)
    throw new UsageError(
      `"${word}" is not something kontinue shows; use one of functions, executions, schedules, revisions`,
    );
  return name;
}

/** The revisions of Functions: each live revision from its status, with its Deployment when there is one. */
export function revisionsOf(functions: readonly FunctionResource[], deployments: readonly V1Deployment[]): Revision[] {
  return functions.flatMap((fn) =>
    (fn.status?.liveRevisions ?? []).map((live): Revision => {
      const deployment = deployments.find(
        (d) =>
          d.metadata?.labels?.[FUNCTION_LABEL] === fn.metadata.name && d.metadata?.labels?.[REVISION_LABEL] === live.id,
      );
      const created = deployment?.metadata?.creationTimestamp;
      return {
        apiVersion: API_VERSION,
        kind: "Revision",
        metadata: {
          name: `${fn.metadata.name}-${live.id}`,
          namespace: fn.metadata.namespace!,
          ...(created === undefined ? {} : { creationTimestamp: new Date(created).toISOString() }),
        },
        function: fn.spec.functionName,
        id: live.id,
        active: fn.status?.activeRevision === live.id,
        ...(live.image === undefined ? {} : { image: live.image }),
        ...(deployment?.metadata?.name === undefined ? {} : { deployment: deployment.metadata.name }),
        desiredReplicas: live.desiredReplicas ?? 0,
        readyReplicas: live.readyReplicas ?? 0,
        pending: live.pending ?? 0,
        executing: live.executing ?? 0,
        suspended: live.suspended ?? 0,
        ...(live.drainingSince === undefined ? {} : { drainingSince: live.drainingSince }),
      };
    }),
  );
}
