// What a list shows of an Execution: a few fields, never the journal, arguments or result.
import {
  RETRY_OF_ANNOTATION,
  SCHEDULED_EXECUTION_LABEL,
  type Execution,
  type ExecutionPhase,
} from "../../crds/index.ts";

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
    schedule: metadata.labels?.[SCHEDULED_EXECUTION_LABEL],
  };
}

function toIso(value: Date | string | undefined): string | undefined {
  return value instanceof Date ? value.toISOString() : value;
}
