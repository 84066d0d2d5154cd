// New code deployed while executions of this Function sleep: they finish on the revision they started on.
import { defineFunction } from "kontinue";
import { runSteps } from "./_steps.ts";

export default defineFunction({
  concurrency: 10,
  scaling: { maxReplicas: 2, targetPendingPerReplica: 10, cooldownSeconds: 1 },
  revisions: { drainGraceSeconds: 1 },
  run: runSteps,
});
