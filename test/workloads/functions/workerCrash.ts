// A worker of this Function is SIGKILLed while it holds executions.
import { defineFunction } from "kontinue";
import { runSteps } from "./_steps.ts";

export default defineFunction({
  concurrency: 10,
  scaling: { maxReplicas: 2, targetPendingPerReplica: 10, cooldownSeconds: 30 },
  run: runSteps,
});
