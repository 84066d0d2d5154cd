// How controllers read a Pod's state: active (counted toward replicas), ready, available, and the
// order kube's ReplicaSet controller deletes Pods in when it scales down.
import type { KubeObject } from "../registry/index.ts";

export const podDeletionCostAnnotation = "controller.kubernetes.io/pod-deletion-cost";

interface PodCondition {
  type?: string;
  status?: string;
  lastTransitionTime?: string;
}

interface PodStatusView {
  phase?: string;
  conditions?: PodCondition[];
  containerStatuses?: { restartCount?: number }[];
}

function statusOf(pod: KubeObject): PodStatusView {
  return (pod.status ?? {}) as PodStatusView;
}

function readyCondition(pod: KubeObject): PodCondition | undefined {
  return statusOf(pod).conditions?.find((condition) => condition.type === "Ready");
}

/** Not terminating and not finished: what `status.replicas` counts. */
export function isPodActive(pod: KubeObject): boolean {
  const phase = statusOf(pod).phase;
  return !pod.metadata.deletionTimestamp && phase !== "Succeeded" && phase !== "Failed";
}

export function isPodReady(pod: KubeObject): boolean {
  return readyCondition(pod)?.status === "True";
}

/** Ready for at least `minReadySeconds` at `now`. */
export function isPodAvailable(pod: KubeObject, minReadySeconds: number, now: Date): boolean {
  if (!isPodReady(pod)) return false;
  if (minReadySeconds <= 0) return true;
  const since = Date.parse(readyCondition(pod)?.lastTransitionTime ?? "");
  return Number.isFinite(since) && since + minReadySeconds * 1000 <= now.getTime();
}

function phaseRank(pod: KubeObject): number {
  switch (statusOf(pod).phase) {
    case "Pending":
      return 0;
    case "Running":
      return 2;
    default:
      return 1;
  }
}

function deletionCost(pod: KubeObject): number {
  const cost = Number(pod.metadata.annotations?.[podDeletionCostAnnotation]);
  return Number.isFinite(cost) ? cost : 0;
}

function restarts(pod: KubeObject): number {
  return (statusOf(pod).containerStatuses ?? []).reduce((sum, status) => sum + (status.restartCount ?? 0), 0);
}

function time(value: string | undefined): number {
  const parsed = Date.parse(value ?? "");
  return Number.isFinite(parsed) ? parsed : Number.POSITIVE_INFINITY;
}

/**
 * kube's ActivePods order, the Pods to delete first: unscheduled before scheduled, Pending before Running,
 * not ready before ready, lower deletion cost first, ready for less time first, more restarts first,
 * newer first.
 */
export function compareForDeletion(a: KubeObject, b: KubeObject): number {
  const scheduled = (pod: KubeObject) => ((pod.spec as { nodeName?: string } | undefined)?.nodeName ? 1 : 0);
  return (
    scheduled(a) - scheduled(b) ||
    phaseRank(a) - phaseRank(b) ||
    Number(isPodReady(a)) - Number(isPodReady(b)) ||
    deletionCost(a) - deletionCost(b) ||
    (isPodReady(a) && isPodReady(b)
      ? time(readyCondition(b)?.lastTransitionTime) - time(readyCondition(a)?.lastTransitionTime)
      : 0) ||
    restarts(b) - restarts(a) ||
    time(b.metadata.creationTimestamp) - time(a.metadata.creationTimestamp)
  );
}

/** The `count` Pods a scale-down deletes, in the order it deletes them. */
export function podsToDelete(pods: readonly KubeObject[], count: number): KubeObject[] {
  return [...pods].sort(compareForDeletion).slice(0, Math.max(0, count));
}
