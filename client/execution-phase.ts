// Where an execution is: finished (Completed, Failed, Cancelled) or not.
import type { Execution, ExecutionPhase } from "../crds/index.ts";

export const finalPhases: ReadonlySet<ExecutionPhase> = new Set(["Completed", "Failed", "Cancelled"]);

/** True once the execution is Completed, Failed or Cancelled. */
export function isFinished(execution: Execution): boolean {
  return finalPhases.has(execution.status?.phase as ExecutionPhase);
}
