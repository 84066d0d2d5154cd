// What a list shows of an Execution: a few fields, never the journal, arguments or result.
import type { Execution, ExecutionPhase } from "../../crds/index.ts";

/** On an Execution started by a retry: the execution it retries (the client library sets it). */
export const RETRY_OF_ANNOTATION = "kontinue.cloud/retry-of";

/**
 * On an Execution a schedule started: the ScheduledExecution's name. The controller's SCHEDULED_EXECUTION_LABEL;
 * the same string until it moves to crds/labels.ts, where both can import it.
 */
export const SCHEDULE_LABEL = "kontinue.cloud/scheduled-execution";

export interface ExecutionRow {
  namespace: string;
  name: string;
  resourceVersion: string;
  function: string;
  phase: ExecutionPhase;
  attempt: number;
  steps: number;
  createdAt: string | undefined;
  startedAt: string | undefined;
  completedAt: string | undefined;
  parent: string | undefined;
  retryOf: string | undefined;
  /** The schedule that started it. */
  schedule: string | undefined;
}

export function executionRow(execution: Execution): ExecutionRow {
  const { metadata, spec, status } = execution;
  return {
    namespace: metadata.namespace ?? "default",
    name: metadata.name ?? "",
    resourceVersion: metadata.resourceVersion ?? "",
    function: spec.function,
    phase: status?.phase ?? "Pending",
    attempt: status?.attempt ?? 0,
    steps: status?.state?.steps?.length ?? 0,
    createdAt: toIso(metadata.creationTimestamp),
    startedAt: status?.startedAt,
    completedAt: status?.completedAt,
    parent: spec.parent?.name,
    retryOf: metadata.annotations?.[RETRY_OF_ANNOTATION],
    schedule: metadata.labels?.[SCHEDULE_LABEL],
  };
}

function toIso(value: Date | string | undefined): string | undefined {
  return value instanceof Date ? value.toISOString() : value;
}
