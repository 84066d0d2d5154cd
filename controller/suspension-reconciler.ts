// Resumes parked executions: when a Suspension's time has come, all its children have finished, or
// (for NonDeterminism) the Function's image has changed, its Execution goes back to Pending and the
// Suspension is deleted. Suspensions of finished executions are deleted.
//
// Races: the decision is made on the Suspension as the API has it now (not the cache, which may still
// hold an older park), the Pending write carries the Execution's resourceVersion, and the delete the
// Suspension's uid and resourceVersion, so a Suspension rewritten by a later park is never deleted.
// A worker writes the Suspension before it sets `phase: Suspended` (runtime/worker/execution-attempt.ts),
// so a Suspended execution whose Suspension the API does not have (read after the phase was seen) has
// lost it: it is put back to Pending, and a worker replays it and parks it again.
// Parked executions past their Function's timeoutSeconds (from status.startedAt) fail with a timeout
// error, after their unfinished children are asked to cancel.
import {
  REVISION_LABEL,
  toResourceName,
  type Execution,
  type ExecutionStatus,
  type FunctionResource,
  type Signal,
  type Suspension,
} from "../crds/index.ts";
import {
  ExecutionTimeoutError,
  apiStatus,
  cancelChildren,
  childrenToCancel,
  type Clock,
  type KontinueResources,
} from "../runtime/index.ts";
import { revisionOf } from "./image-revision.ts";
import type { Lister } from "./lister.ts";
import { splitKey, type Reconciler } from "./work-queue.ts";

export type ResumeDecision = { resume: true; why: string } | { resume: false; requeueAfter?: number };

const finished = new Set(["Completed", "Failed", "Cancelled"]);

/** Whether a parked execution is due at `now`; pure. `childPhase` answers undefined for a child that is gone. */
export function resumeDecision(
  suspension: Suspension,
  now: number,
  lookups: {
    childPhase(name: string): string | undefined;
    functionImage: string | undefined;
    signals?: readonly Signal[];
    /** The execution's `kontinue.cloud/revision` label, if it is pinned. */
    executionRevision?: string;
  },
): ResumeDecision {
  const spec = suspension.spec;
  if (spec.reason === "NonDeterminism") {
    // Pinned to a revision: resumes once the controller moved it off the revision it diverged on.
    const diverged = revisionOf(spec.image);
    if (lookups.executionRevision !== undefined && diverged !== undefined) {
      return lookups.executionRevision !== diverged
        ? { resume: true, why: `it moved to revision ${lookups.executionRevision}` }
        : { resume: false };
    }
    return lookups.functionImage !== undefined && lookups.functionImage !== spec.image
      ? { resume: true, why: `the function's image changed to "${lookups.functionImage}"` }
      : { resume: false };
  }
  const until = spec.until === undefined ? undefined : Date.parse(spec.until);
  if (until !== undefined && until <= now) return { resume: true, why: `due at ${spec.until}` };
  // Any awaited child that finished wakes it: Promise.race returns at the first, Promise.all fails fast.
  const done = (spec.children ?? []).find((child) => {
    const phase = lookups.childPhase(child);
    return phase === undefined || finished.has(phase);
  });
  if (done !== undefined) return { resume: true, why: `child "${done}" finished` };
  const awaited = new Set(spec.signals ?? []);
  const arrived = (lookups.signals ?? []).slice(spec.signalsSeen ?? 0).find((signal) => awaited.has(signal.name));
  if (arrived !== undefined) return { resume: true, why: `signal "${arrived.name}" arrived` };
  return until === undefined ? { resume: false } : { resume: false, requeueAfter: until - now };
}

/** When a parked execution times out (ms): status.startedAt plus timeoutSeconds; undefined without either. */
export function parkedDeadline(execution: Execution, timeoutSeconds: number | undefined): number | undefined {
  const startedAt = Date.parse(execution.status?.startedAt ?? "");
  return timeoutSeconds === undefined || Number.isNaN(startedAt) ? undefined : startedAt + timeoutSeconds * 1000;
}

/** The status of a parked execution failed at `now` for running past `timeoutSeconds`. */
export function timedOutStatus(execution: Execution, timeoutSeconds: number, now: number): ExecutionStatus {
  const error = new ExecutionTimeoutError(execution.metadata.name!, timeoutSeconds);
  return {
    ...execution.status,
    phase: "Failed",
    error: { type: error.code, message: `${error.message} (it was parked when the deadline passed)` },
    completedAt: new Date(now).toISOString(),
  };
}

export interface SuspensionReconcilerDeps {
  executions: Lister<Execution>;
  suspensions: Lister<Suspension>;
  functions: Lister<FunctionResource>;
  resources: KontinueResources;
  clock: Clock;
  /** Told when a Suspended execution without a Suspension is put back to Pending. */
  onRepair?(execution: Execution): void;
}

/** Keyed by the Suspension's name, which is its Execution's: reconciles the pair. */
export function suspensionReconciler(deps: SuspensionReconcilerDeps): Reconciler {
  return async (key) => {
    const { namespace, name } = splitKey(key);
    const cached = deps.suspensions.get(namespace, name);
    const execution = deps.executions.get(namespace, cached?.spec.execution ?? name);
    // Not (yet) in the cache: nothing to do; an orphan is garbage-collected through its ownerReference.
    if (execution === undefined) return {};
    const phase = execution.status?.phase;
    if (finished.has(phase ?? "")) {
      if (cached !== undefined && cached.metadata.deletionTimestamp === undefined) {
        await deleteIfSame(deps.resources, cached);
      }
      return {};
    }
    // Pending or Executing: a worker is (about to be) on it; it rewrites the Suspension if it parks again.
    if (phase !== "Suspended" || execution.spec.cancelRequested === true) return {};
    const fn = deps.functions.get(namespace, toResourceName(execution.spec.function));
    const now = deps.clock.now();
    const deadline = parkedDeadline(execution, fn?.spec.timeoutSeconds);
    if (deadline !== undefined && deadline <= now) {
      const children = await childrenToCancel(deps.resources.executions, execution);
      await cancelChildren(deps.resources.executions, namespace, children);
      const status = timedOutStatus(execution, fn!.spec.timeoutSeconds!, now);
      await deps.resources.executions.replaceStatus({ ...execution, status });
      return {};
    }
    const untilDeadline = deadline === undefined ? undefined : deadline - now;
    const decide = (suspension: Suspension) =>
      resumeDecision(suspension, now, {
        childPhase: (child) => {
          const found = deps.executions.get(namespace, child);
          return found === undefined ? undefined : (found.status?.phase ?? "Pending");
        },
        functionImage: fn?.spec.image,
        signals: execution.spec.signals ?? [],
        ...(execution.metadata.labels?.[REVISION_LABEL] === undefined
          ? {}
          : { executionRevision: execution.metadata.labels[REVISION_LABEL] }),
      });
    const later = (decision: ResumeDecision & { resume: false }) => {
      const requeue = Math.min(decision.requeueAfter ?? Infinity, untilDeadline ?? Infinity);
      return Number.isFinite(requeue) ? { requeueAfter: requeue } : {};
    };
    // Not due by the cache: wait (a newer Suspension arrives as a watch event). Due, or none cached:
    // decide on what the API has now, since the cache may hold an earlier park's Suspension, or none yet.
    const cachedDecision = cached === undefined ? undefined : decide(cached);
    if (cachedDecision !== undefined && !cachedDecision.resume) return later(cachedDecision);
    const suspension = await deps.resources.suspensions.get(namespace, execution.metadata.name!);
    if (suspension === undefined || suspension.metadata.deletionTimestamp !== undefined) {
      await deps.resources.executions.replaceStatus(backToPending(execution));
      deps.onRepair?.(execution);
      return {};
    }
    const decision = decide(suspension);
    if (!decision.resume) return later(decision);
    await deps.resources.executions.replaceStatus(backToPending(execution));
    await deleteIfSame(deps.resources, suspension);
    return {};
  };
}

/** The execution as read (its resourceVersion guards the write), back to Pending. */
function backToPending(execution: Execution): Execution {
  return { ...execution, status: { ...execution.status, phase: "Pending" } };
}

/** Deletes this Suspension as read (uid and resourceVersion): one rewritten or re-created by a later park stays. */
async function deleteIfSame(resources: KontinueResources, suspension: Suspension): Promise<void> {
  const { namespace, name, uid, resourceVersion } = suspension.metadata as {
    namespace: string;
    name: string;
    uid?: string;
    resourceVersion?: string;
  };
  const preconditions = {
    ...(uid === undefined ? {} : { uid }),
    ...(resourceVersion === undefined ? {} : { resourceVersion }),
  };
  try {
    await resources.suspensions.delete(namespace, name, preconditions);
  } catch (error) {
    if (apiStatus(error) !== 409) throw error;
  }
}
