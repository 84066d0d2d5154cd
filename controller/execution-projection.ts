// What the controller keeps of an Execution in memory: metadata, the spec without its arguments, the
// status without its journal, result and error, plus the number of journal steps. With 100,000 Executions
// the journals stay in etcd, not in the controller. It keeps the two things reconcilers read from a
// journal: how many steps it has, and which children it still waits for.
import type { Execution, ExecutionStatus } from "../crds/index.ts";
import { unfinishedChildren } from "../runtime/index.ts";

/** Status fields the projection leaves out; a write made from a projection must keep the stored ones. */
export const PROJECTED_AWAY = ["state", "result", "error"] as const satisfies readonly (keyof ExecutionStatus)[];

export type ExecutionProjection = Execution & {
  /** Steps in the execution's journal when it was projected (the journal itself is left out). */
  journalSteps: number;
  /** Children the journal still waits for (absent when none). */
  waitingFor?: string[];
};

const lastApplied = "kubectl.kubernetes.io/last-applied-configuration";

/**
 * One copy of the strings many executions share (apiVersion, kind, namespace, function, label values,
 * phase): decoded JSON gives every object its own. Bounded, so arbitrary values cannot grow it forever.
 */
const shared = new Map<string, string>();
const sharedLimit = 10_000;
function share<T extends string | undefined>(value: T): T {
  if (value === undefined) return value;
  const found = shared.get(value);
  if (found !== undefined) return found as T;
  if (shared.size < sharedLimit) shared.set(value, value);
  return value;
}

export function projectExecution(execution: Execution): ExecutionProjection {
  const { managedFields: _managedFields, annotations, ...metadata } = execution.metadata;
  const { arguments: _arguments, ...spec } = execution.spec;
  const kept =
    annotations === undefined
      ? undefined
      : Object.fromEntries(Object.entries(annotations).filter(([key]) => key !== lastApplied));
  if (metadata.namespace !== undefined) metadata.namespace = share(metadata.namespace);
  if (metadata.labels !== undefined) {
    const labels: Record<string, string> = {};
    for (const key in metadata.labels) labels[key] = share(metadata.labels[key]!);
    metadata.labels = labels;
  }
  spec.function = share(spec.function);
  const projection: ExecutionProjection = {
    apiVersion: share(execution.apiVersion),
    kind: share(execution.kind),
    metadata: kept === undefined || Object.keys(kept).length === 0 ? metadata : { ...metadata, annotations: kept },
    spec,
    journalSteps: execution.status?.state?.steps?.length ?? 0,
  };
  const children = unfinishedChildren(execution.status?.state?.steps ?? []);
  if (children.length > 0) projection.waitingFor = children;
  if (execution.status !== undefined) {
    const { state: _state, result: _result, error: _error, ...status } = execution.status;
    if (status.phase !== undefined) status.phase = share(status.phase);
    projection.status = status;
  }
  return projection;
}

/** The journal length of a cached execution (a projection), or of a full one. */
export function journalSteps(execution: Execution): number {
  const projected = (execution as Partial<ExecutionProjection>).journalSteps;
  return projected ?? execution.status?.state?.steps?.length ?? 0;
}

/** The children a cached execution (a projection), or a full one, still waits for. */
export function waitingFor(execution: Execution): string[] {
  const projected = execution as Partial<ExecutionProjection>;
  if (projected.journalSteps !== undefined) return projected.waitingFor ?? [];
  return unfinishedChildren(execution.status?.state?.steps ?? []);
}
