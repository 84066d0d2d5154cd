// Housekeeping: a finished root Execution is deleted `ttlSecondsAfterFinished` after status.completedAt —
// the execution's annotation `kontinue.cloud/ttl-seconds-after-finished` overrides its Function's
// `spec.ttlSecondsAfterFinished`; neither set keeps it. Its Suspension and owned objects go by garbage
// collection; its finished children right after it. A child is never deleted on its own TTL while its
// parent exists: it goes with its root. One that outlives its root (still running then) goes once it finishes.
import { toResourceName, type Execution, type FunctionResource } from "../crds/index.ts";
import { apiStatus, type Clock, type ResourceClient } from "../runtime/index.ts";
import type { Lister } from "./lister.ts";
import { splitKey, type Reconciler } from "./work-queue.ts";

/** Per-execution override of the Function's ttlSecondsAfterFinished: a whole number of seconds. */
export const TTL_ANNOTATION = "kontinue.cloud/ttl-seconds-after-finished";

export type TtlDecision = { delete: true; why: string } | { delete: false; requeueAfter?: number };

const finishedPhases = new Set(["Completed", "Failed", "Cancelled"]);

/** When `execution` goes; pure. `parentExists` answers for its spec.parent; `functionTtl` is the Function's default. */
export function ttlDecision(
  execution: Execution,
  now: number,
  lookups: { parentExists: boolean; functionTtl: number | undefined },
): TtlDecision {
  if (!finishedPhases.has(execution.status?.phase ?? "")) return { delete: false };
  const parent = execution.spec.parent?.name;
  if (parent !== undefined) {
    return lookups.parentExists ? { delete: false } : { delete: true, why: `its parent "${parent}" is gone` };
  }
  const ttl = ttlSeconds(execution.metadata.annotations?.[TTL_ANNOTATION]) ?? lookups.functionTtl;
  const completedAt = Date.parse(execution.status?.completedAt ?? "");
  if (ttl === undefined || Number.isNaN(completedAt)) return { delete: false };
  const due = completedAt + ttl * 1000;
  if (due > now) return { delete: false, requeueAfter: due - now };
  return { delete: true, why: `finished at ${execution.status!.completedAt}, ${ttl}s ago or more` };
}

/** A TTL in seconds from an annotation or spec field; anything but a whole number ≥ 0 counts as unset. */
export function ttlSeconds(value: unknown): number | undefined {
  const seconds = typeof value === "string" && /^\d+$/.test(value.trim()) ? Number(value) : value;
  return typeof seconds === "number" && Number.isInteger(seconds) && seconds >= 0 ? seconds : undefined;
}

export interface TtlReconcilerDeps {
  executions: Lister<Execution>;
  functions: Lister<FunctionResource>;
  client: ResourceClient<Execution>;
  clock: Clock;
}

export function ttlReconciler(deps: TtlReconcilerDeps): Reconciler {
  return async (key) => {
    const { namespace, name } = splitKey(key);
    const execution = deps.executions.get(namespace, name);
    if (execution === undefined || execution.metadata.deletionTimestamp !== undefined) return {};
    const parent = execution.spec.parent?.name;
    const fn = deps.functions.get(namespace, toResourceName(execution.spec.function));
    const decision = ttlDecision(execution, deps.clock.now(), {
      parentExists: parent !== undefined && parentExists(deps.executions, execution, parent),
      functionTtl: ttlSeconds(execution.spec.ttlSecondsAfterFinished) ?? fn?.spec.ttlSecondsAfterFinished,
    });
    if (!decision.delete) return decision.requeueAfter === undefined ? {} : { requeueAfter: decision.requeueAfter };
    await deleteTree(deps, execution);
    return {};
  };
}

/** Whether the execution's parent exists: the owner it names by uid (a re-created parent of that name is not it). */
function parentExists(executions: Lister<Execution>, child: Execution, parent: string): boolean {
  const namespace = child.metadata.namespace!;
  const owner = child.metadata.ownerReferences?.find((reference) => reference.kind === "Execution");
  if (owner === undefined) return executions.get(namespace, parent) !== undefined;
  return executions.get(namespace, owner.name)?.metadata.uid === owner.uid;
}

/** Deletes `execution` (by uid: a re-created one of the name stays), then its finished descendants. */
async function deleteTree(deps: TtlReconcilerDeps, execution: Execution): Promise<void> {
  const { namespace, name, uid } = execution.metadata as { namespace: string; name: string; uid?: string };
  try {
    await deps.client.delete(namespace, name, uid === undefined ? undefined : { uid });
  } catch (error) {
    // 409: the name now holds another execution, which is not this one to delete.
    if (apiStatus(error) !== 409) throw error;
    return;
  }
  const children = deps.executions
    .list()
    .filter(
      (child) =>
        child.metadata.namespace === namespace &&
        child.spec.parent?.name === name &&
        finishedPhases.has(child.status?.phase ?? ""),
    );
  for (const child of children) await deleteTree(deps, child);
}
