// What the functions view shows of a Function: its revisions, workers, queue and conditions.
import type { Condition, FunctionResource, LiveRevision } from "../../crds/index.ts";

export interface FunctionRow {
  namespace: string;
  name: string;
  resourceVersion: string;
  functionName: string;
  image: string;
  activeRevision: string | undefined;
  desiredReplicas: number;
  replicas: number;
  readyReplicas: number;
  pending: number;
  executing: number;
  suspended: number;
  revisions: LiveRevision[];
  conditions: Condition[];
}

export function functionRow(fn: FunctionResource): FunctionRow {
  const { metadata, spec, status } = fn;
  return {
    namespace: metadata.namespace ?? "default",
    name: metadata.name ?? "",
    resourceVersion: metadata.resourceVersion ?? "",
    functionName: spec.functionName,
    image: spec.image,
    activeRevision: status?.activeRevision,
    desiredReplicas: status?.desiredReplicas ?? 0,
    replicas: status?.replicas ?? 0,
    readyReplicas: status?.readyReplicas ?? 0,
    pending: status?.pending ?? 0,
    executing: status?.executing ?? 0,
    suspended: status?.suspended ?? 0,
    revisions: status?.liveRevisions ?? [],
    conditions: status?.conditions ?? [],
  };
}
