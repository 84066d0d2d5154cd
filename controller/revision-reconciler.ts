// Pins each execution to a revision (label kontinue.cloud/revision): the active one for a new execution;
// moves a Pending execution that has run no step to the active revision; rescues an execution parked for
// non-determinism by moving it to a newer revision (annotation kontinue.cloud/rescued-from), which the
// suspension reconciler then resumes. Executions whose function has no Function resource get an Event.
import {
  API_VERSION,
  FUNCTION_LABEL,
  RESCUED_FROM_ANNOTATION,
  REVISION_LABEL,
  toResourceName,
  type Execution,
  type FunctionResource,
  type Suspension,
} from "../crds/index.ts";
import { apiStatus, type ResourceClient } from "../runtime/index.ts";
import type { EventRecorder } from "./event-recorder.ts";
import { journalSteps } from "./execution-projection.ts";
import { revisionOf } from "./image-revision.ts";
import type { Lister } from "./lister.ts";
import { splitKey, type Reconciler } from "./work-queue.ts";

export type PinningDecision =
  | { action: "none" }
  | { action: "functionNotFound"; function: string }
  | { action: "pin" | "move"; revision: string }
  | { action: "rescue"; revision: string; from: string };

const finished = new Set(["Completed", "Failed", "Cancelled"]);

/** The revision the worker that claimed it reported (status.revision). */
function claimedRevision(execution: Execution): string | undefined {
  return execution.status?.revision;
}

/** What to do about an execution's revision; pure. `suspension` is the execution's, if any. */
export function pinningDecision(
  execution: Execution,
  fn: FunctionResource | undefined,
  suspension: Suspension | undefined,
): PinningDecision {
  const phase = execution.status?.phase;
  if (execution.metadata.deletionTimestamp !== undefined || finished.has(phase ?? "")) return { action: "none" };
  const pending = phase === undefined || phase === "Pending";
  if (fn === undefined)
    return pending
      ? {
          action: "functionNotFound",
          function: execution.metadata.labels?.[FUNCTION_LABEL] ?? toResourceName(execution.spec.function),
        }
      : { action: "none" };
  const active = revisionOf(fn.spec.image);
  if (active === undefined) return { action: "none" };
  const label = execution.metadata.labels?.[REVISION_LABEL];
  if (label === undefined) {
    const ran = claimedRevision(execution) ?? revisionOf(execution.status?.observedImage);
    return { action: "pin", revision: pending && journalSteps(execution) === 0 ? active : (ran ?? active) };
  }
  if (label === active) return { action: "none" };
  if (pending && journalSteps(execution) === 0) return { action: "move", revision: active };
  if (
    phase === "Suspended" &&
    suspension?.spec.reason === "NonDeterminism" &&
    suspension.spec.execution === execution.metadata.name
  ) {
    return { action: "rescue", revision: active, from: label };
  }
  return { action: "none" };
}

export function revisionReconciler(deps: {
  executions: Lister<Execution>;
  functions: Lister<FunctionResource>;
  suspensions: Lister<Suspension>;
  client: ResourceClient<Execution>;
  events: EventRecorder;
}): Reconciler {
  return async (key) => {
    const { namespace, name } = splitKey(key);
    const execution = deps.executions.get(namespace, name);
    if (execution === undefined) return {};
    const fnName = execution.metadata.labels?.[FUNCTION_LABEL] ?? toResourceName(execution.spec.function);
    const decision = pinningDecision(
      execution,
      deps.functions.get(namespace, fnName),
      deps.suspensions.get(namespace, name),
    );
    switch (decision.action) {
      case "none":
        return {};
      case "functionNotFound":
        await deps.events.record(
          { apiVersion: API_VERSION, kind: "Execution", metadata: execution.metadata },
          {
            type: "Warning",
            reason: "FunctionNotFound",
            message:
              `function "${execution.spec.function}" has no Function resource "${decision.function}" in ` +
              `namespace "${namespace}"; the execution stays Pending until one is applied (e.g. "kontinue deploy")`,
            once: "function-not-found",
          },
        );
        return {};
      case "pin":
      case "move":
      case "rescue": {
        const annotations =
          decision.action === "rescue" ? { annotations: { [RESCUED_FROM_ANNOTATION]: decision.from } } : {};
        const patch = {
          metadata: {
            resourceVersion: execution.metadata.resourceVersion,
            labels: { [REVISION_LABEL]: decision.revision },
            ...annotations,
          },
        };
        try {
          await deps.client.mergePatch(namespace, name, patch);
        } catch (error) {
          // A worker claimed it (or it changed) meanwhile: the update event brings it back here.
          if (apiStatus(error) !== 409) throw error;
        }
        return {};
      }
      default: {
        const unknown: never = decision;
        return unknown;
      }
    }
  };
}
