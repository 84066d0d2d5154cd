// This Function is deleted while its executions run and sleep: its workers stay until they finish.
import { defineFunction } from "kontinue";
import { runSteps } from "./_steps.ts";

export default defineFunction({
  concurrency: 10,
  scaling: { maxReplicas: 1, targetPendingPerReplica: 10, cooldownSeconds: 1 },
  run: runSteps,
});
