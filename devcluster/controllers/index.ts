// devcluster's in-process controllers, as kube-controller-manager runs them: garbage collection and
// namespace/CRD cleanup, Deployments and ReplicaSets; and the object access the node agent shares.
export { ClusterObjects } from "./cluster-objects.ts";
export type { EventSource, WorkloadKind } from "./cluster-objects.ts";
export { DeletionController } from "./deletion-controller.ts";
export { isPodActive, isPodReady } from "./pod-state.ts";
export { queueKey, splitQueueKey } from "./queue-key.ts";
export { WorkloadControllers } from "./workload-controllers.ts";
export { WorkQueue } from "./work-queue.ts";
export type { ReconcileResult } from "./work-queue.ts";
