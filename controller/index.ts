// The controller: Functions into worker Deployments per revision scaled by queue depth; resumes suspensions,
// reaps expired leases, labels and cancels executions, runs schedules, deletes finished ones; one leader at a time.
export { runController, startController } from "./run-controller.ts";
export type {
  ControllerOptions,
  ControllerScope,
  RunningController,
  LeaderElectionSettings,
} from "./run-controller.ts";
export { WorkQueue, keyOf, splitKey } from "./work-queue.ts";
export type { Reconciler, ReconcileResult, WorkQueueOptions } from "./work-queue.ts";
export type { Lister } from "./lister.ts";
export { suspensionReconciler, resumeDecision, parkedDeadline, timedOutStatus } from "./suspension-reconciler.ts";
export type { ResumeDecision, SuspensionReconcilerDeps } from "./suspension-reconciler.ts";
export {
  leaseReconciler,
  reapedStatus,
  leaseRemainingMs,
  leaseDurationMs,
  workerDeath,
  workerPodState,
  finishedSteps,
  lossBackoffMs,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_LOSS_BACKOFF,
} from "./lease-reconciler.ts";
export type { LeaseReconcilerDeps, WorkerPodState } from "./lease-reconciler.ts";
export { LeaseObserver } from "./lease-observer.ts";
export type { LeaseObservation } from "./lease-observer.ts";
export { labelReconciler, missingFunctionLabel } from "./label-reconciler.ts";
export { cancelReconciler, cancelledStatus, needsCancelling } from "./cancel-reconciler.ts";
export {
  scheduleReconciler,
  scheduledExecutionFor,
  ownedRuns,
  SCHEDULED_AT_ANNOTATION,
} from "./schedule-reconciler.ts";
export { planSchedule, scheduledExecutionName, MAX_MISSED_SLOTS } from "./schedule-plan.ts";
export type { SchedulePlan, ScheduledRun, ScheduleEvent } from "./schedule-plan.ts";
export { parseCronSchedule, InvalidScheduleError } from "./schedule-cron.ts";
export type { CronSchedule } from "./schedule-cron.ts";
export { ttlReconciler, ttlDecision, ttlSeconds, TTL_ANNOTATION } from "./ttl-reconciler.ts";
export type { TtlDecision } from "./ttl-reconciler.ts";
export { eventRecorder, eventName } from "./object-event.ts";
export type { EventRecorder, ObjectEvent, InvolvedObject } from "./object-event.ts";
export { requeueOnClock } from "./clock-requeue.ts";
export { startLeaderElection, DEFAULT_LEASE_NAME } from "./leader-election.ts";
export type { LeaderElector, LeaderElectionOptions } from "./leader-election.ts";
export { functionReconciler } from "./function-reconciler.ts";
export { revisionReconciler, pinningDecision } from "./revision-reconciler.ts";
export type { PinningDecision } from "./revision-reconciler.ts";
export { desiredDeployment, workerEnv } from "./desired-deployment.ts";
export { desiredRole, desiredRoleBinding, desiredServiceAccount, WORKER_RULES } from "./desired-rbac.ts";
export { desiredReplicas, replicasFor, scalingProblem, scalingSettings } from "./desired-replicas.ts";
export type { ReplicaDecision, RevisionCounts, ScalingSettings } from "./desired-replicas.ts";
export { imageRevision, revisionOf } from "./image-revision.ts";
export { projectExecution } from "./execution-projection.ts";
export { HydratingExecutionClient, controllerResources } from "./hydrating-execution-client.ts";
export type { ExecutionProjection } from "./execution-projection.ts";
export { ExecutionIndex } from "./execution-index.ts";
export { deploymentName, workerIdentityName } from "./workload-labels.ts";
