// 100 executions to this Function at zero: replicas follow the queue depth, then come back to zero.
import { defineFunction } from "kontinue";
import { runSteps } from "./_steps.ts";

export default defineFunction({
  concurrency: 10,
  scaling: { minReplicas: 0, maxReplicas: 3, targetPendingPerReplica: 20, cooldownSeconds: 2 },
  run: runSteps,
});
