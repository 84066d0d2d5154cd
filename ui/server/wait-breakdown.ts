// Why an execution waited before its first step: in the queue, for a worker to scale up from zero (the controller
// writing replicas → the worker Pod Ready), for that worker to claim it, and from the claim to the first step.
import type { Execution } from "../../crds/index.ts";
import type { ScalingEvent } from "./scaling-event.ts";
import { timeOf } from "./time-of.ts";
import type { WorkerPod } from "./worker-pod.ts";

export interface WaitBreakdown {
  /** Created → the first step started: the sum of the parts below. Undefined until the first step. */
  totalMs: number | undefined;
  /** Created → replicas written (with a scale-up), else created → claimed. Undefined until claimed. */
  queueMs: number | undefined;
  /** Replicas written → the worker Pod Ready; 0 when its worker was Ready before the execution was created. */
  scaleUpMs: number | undefined;
  /** The new worker Pod Ready → it claimed the execution; 0 without a scale-up. */
  claimMs: number | undefined;
  /** Claimed (`status.startedAt`) → the first step started. */
  startMs: number | undefined;
  /** The Pod that claimed it, when the UI saw its lease. */
  pod: string | undefined;
  /** What the controller recorded when it wrote the replicas the Pod came from. */
  scaledBy: ScalingEvent["reason"] | undefined;
}

export interface WaitInputs {
  execution: Execution;
  /** The Pod holding (or first seen holding) the execution's lease. */
  podName: string | undefined;
  pod: WorkerPod | undefined;
  /** The Function's scaling Events, any order. */
  scaling: readonly ScalingEvent[];
}

export function waitBreakdown({ execution, podName, pod, scaling }: WaitInputs): WaitBreakdown {
  const created = timeOf(execution.metadata.creationTimestamp);
  const claimed = timeOf(execution.status?.startedAt);
  const firstStep = execution.status?.state?.steps
    ?.map((step) => timeOf(step.startedAt))
    .filter((at): at is number => at !== undefined)
    .sort((a, b) => a - b)[0];
  const none = { pod: podName, scaledBy: undefined };
  if (created === undefined || claimed === undefined)
    return {
      totalMs: undefined,
      queueMs: undefined,
      scaleUpMs: undefined,
      claimMs: undefined,
      startMs: undefined,
      ...none,
    };
  // Kubernetes times may be whole seconds (creation, conditions, Events): each point is held inside the span
  // before it, so the parts never go negative and always add up.
  const claimedAt = Math.max(created, claimed);
  const firstAt = firstStep === undefined ? undefined : Math.max(claimedAt, firstStep);
  const startMs = firstAt === undefined ? undefined : firstAt - claimedAt;
  const totalMs = firstAt === undefined ? undefined : firstAt - created;
  const readyAt = pod?.readyAt;
  if (readyAt === undefined)
    return { totalMs, queueMs: claimedAt - created, scaleUpMs: undefined, claimMs: undefined, startMs, ...none };
  if (readyAt <= created) return { totalMs, queueMs: claimedAt - created, scaleUpMs: 0, claimMs: 0, startMs, ...none };
  const ready = Math.min(readyAt, claimedAt);
  const revision = execution.status?.revision;
  const written = scaling
    .filter((e) => e.replicas > e.from && e.at <= readyAt && (revision === undefined || e.revision === revision))
    .sort((a, b) => b.at - a.at)[0];
  const writtenAt = Math.min(ready, Math.max(created, written?.at ?? pod?.createdAt ?? created));
  return {
    totalMs,
    queueMs: writtenAt - created,
    scaleUpMs: ready - writtenAt,
    claimMs: claimedAt - ready,
    startMs,
    pod: podName,
    scaledBy: written?.reason,
  };
}
