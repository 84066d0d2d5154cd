// Cancels executions no worker holds (Pending, Suspended): phase Cancelled, children asked to cancel,
// the Suspension deleted. An execution a worker holds is cancelled by that worker. Children a finished
// execution still waits for are asked to cancel here too: the worker that finished it may have died before it did.
import type { Execution, ExecutionStatus } from "../crds/index.ts";
import { cancelChildren, type Clock, type KontinueResources } from "../runtime/index.ts";
import { waitingFor } from "./execution-projection.ts";
import type { Lister } from "./lister.ts";
import { splitKey, type Reconciler } from "./work-queue.ts";

const finished = new Set(["Completed", "Failed", "Cancelled"]);

/** True when cancelling is this reconciler's job: requested, and no worker holds the execution. */
export function needsCancelling(execution: Execution): boolean {
  const phase = execution.status?.phase;
  return (
    execution.spec.cancelRequested === true && (phase === undefined || phase === "Pending" || phase === "Suspended")
  );
}

export function cancelledStatus(execution: Execution, now: number): ExecutionStatus {
  return {
    ...execution.status,
    phase: "Cancelled",
    completedAt: new Date(now).toISOString(),
    error: {
      type: "RUNTIME_CANCELLED",
      message: `execution "${execution.metadata.name}" was cancelled (spec.cancelRequested)`,
    },
  };
}

export function cancelReconciler(deps: {
  executions: Lister<Execution>;
  resources: KontinueResources;
  clock: Clock;
}): Reconciler {
  return async (key) => {
    const { namespace, name } = splitKey(key);
    const execution = deps.executions.get(namespace, name);
    if (execution === undefined) return {};
    const runningChildren = (): string[] =>
      waitingFor(execution).filter((child) => {
        const found = deps.executions.get(namespace, child);
        return found !== undefined && found.spec.cancelRequested !== true && !finished.has(found.status?.phase ?? "");
      });
    if (finished.has(execution.status?.phase ?? "")) {
      await cancelChildren(deps.resources.executions, namespace, runningChildren());
      return {};
    }
    if (!needsCancelling(execution)) return {};
    await deps.resources.executions.replaceStatus({
      ...execution,
      status: cancelledStatus(execution, deps.clock.now()),
    });
    await cancelChildren(deps.resources.executions, namespace, runningChildren());
    await deps.resources.suspensions.delete(namespace, name);
    return {};
  };
}
