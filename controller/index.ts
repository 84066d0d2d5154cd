// The controller: Functions into worker Deployments per revision scaled by queue depth; resumes suspensions,
// reaps expired leases, labels and cancels executions; one leader at a time.
export { runController, startController } from "./run-controller.ts";
export type { ControllerOptions, ControllerScope, RunningController, LeaderElectionSettings } from "./run-controller.ts";
export { WorkQueue, keyOf, splitKey } from "./work-queue.ts";
export type { Reconciler, ReconcileResult, WorkQueueOptions } from "./work-queue.ts";
export type { Lister } from "./lister.ts";
export { suspensionReconciler, resumeDecision } from "./suspension-reconciler.ts";
export type { ResumeDecision } from "./suspension-reconciler.ts";
export { leaseReconciler, reapedStatus, DEFAULT_MAX_ATTEMPTS } from "./lease-reconciler.ts";
export { labelReconciler, missingFunctionLabel } from "./label-reconciler.ts";
export { cancelReconciler, cancelledStatus, needsCancelling } from "./cancel-reconciler.ts";
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
