// The controller's durability half: resumes suspensions, reaps expired leases, labels and cancels executions.
export { runController, startController } from "./run-controller.ts";
export type { ControllerOptions, ControllerScope, RunningController } from "./run-controller.ts";
export { WorkQueue, keyOf, splitKey } from "./work-queue.ts";
export type { Reconciler, ReconcileResult, WorkQueueOptions } from "./work-queue.ts";
export type { Lister } from "./lister.ts";
export { suspensionReconciler, resumeDecision } from "./suspension-reconciler.ts";
export type { ResumeDecision } from "./suspension-reconciler.ts";
export { leaseReconciler, reapedStatus, DEFAULT_MAX_ATTEMPTS } from "./lease-reconciler.ts";
export { labelReconciler, missingFunctionLabel } from "./label-reconciler.ts";
export { cancelReconciler, cancelledStatus, needsCancelling } from "./cancel-reconciler.ts";
