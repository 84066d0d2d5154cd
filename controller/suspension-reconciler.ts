// Resumes parked executions: when a Suspension's time has come, all its children have finished, or
// (for NonDeterminism) the Function's image has changed, its Execution goes back to Pending and the
// Suspension is deleted. Suspensions of finished executions are deleted.
import { toResourceName, type Execution, type FunctionResource, type Signal, type Suspension } from "../crds/index.ts";
import { apiStatus, type Clock, type KontinueResources } from "../runtime/index.ts";
import type { Lister } from "./lister.ts";
import { splitKey, type Reconciler } from "./work-queue.ts";

export type ResumeDecision = { resume: true; why: string } | { resume: false; requeueAfter?: number };

const finished = new Set(["Completed", "Failed", "Cancelled"]);

/** Whether a parked execution is due at `now`; pure. `childPhase` answers undefined for a child that is gone. */
export function resumeDecision(
  suspension: Suspension,
  now: number,
  lookups: { childPhase(name: string): string | undefined; functionImage: string | undefined; signals?: readonly Signal[] },
): ResumeDecision {
  const spec = suspension.spec;
  if (spec.reason === "NonDeterminism") {
    return lookups.functionImage !== undefined && lookups.functionImage !== spec.image ? { resume: true, why: `the function's image changed to "${lookups.functionImage}"` } : { resume: false };
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

export function suspensionReconciler(deps: {
  executions: Lister<Execution>;
  suspensions: Lister<Suspension>;
  functions: Lister<FunctionResource>;
  resources: KontinueResources;
  clock: Clock;
}): Reconciler {
  return async (key) => {
    const { namespace, name } = splitKey(key);
    const suspension = deps.suspensions.get(namespace, name);
    if (suspension === undefined || suspension.metadata.deletionTimestamp !== undefined) return {};
    const execution = deps.executions.get(namespace, suspension.spec.execution);
    // Not (yet) in the cache: nothing to do; an orphan is garbage-collected through its ownerReference.
    if (execution === undefined) return {};
    const phase = execution.status?.phase;
    if (finished.has(phase ?? "")) {
      await deleteIfSame(deps.resources, suspension);
      return {};
    }
    // Pending or Executing: a worker is (about to be) on it; it rewrites the Suspension if it parks again.
    if (phase !== "Suspended" || execution.spec.cancelRequested === true) return {};
    const decision = resumeDecision(suspension, deps.clock.now(), {
      childPhase: (child) => {
        const found = deps.executions.get(namespace, child);
        return found === undefined ? undefined : (found.status?.phase ?? "Pending");
      },
      functionImage: deps.functions.get(namespace, toResourceName(execution.spec.function))?.spec.image,
      signals: execution.spec.signals ?? [],
    });
    if (!decision.resume) return decision.requeueAfter === undefined ? {} : { requeueAfter: decision.requeueAfter };
    await deps.resources.executions.replaceStatus({ ...execution, status: { ...execution.status, phase: "Pending" } });
    await deleteIfSame(deps.resources, suspension);
    return {};
  };
}

/** Deletes this Suspension (by uid): a newer one of the same name, written by a later park, stays. */
async function deleteIfSame(resources: KontinueResources, suspension: Suspension): Promise<void> {
  try {
    await resources.suspensions.delete(suspension.metadata.namespace!, suspension.metadata.name!, { uid: suspension.metadata.uid });
  } catch (error) {
    if (apiStatus(error) !== 409) throw error;
  }
}
