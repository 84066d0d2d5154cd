// A Deployment's status from its ReplicaSets, with the Available and Progressing conditions
// `kubectl rollout status` reads (kube's sync.go calculateStatus and progress.go), as a pure function.
import type { KubeObject } from "../registry/index.ts";

export interface DeploymentCondition {
  type: "Available" | "Progressing" | "ReplicaFailure";
  status: "True" | "False" | "Unknown";
  lastUpdateTime: string;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

export interface DeploymentStatus {
  observedGeneration: number;
  replicas: number;
  updatedReplicas: number;
  readyReplicas: number;
  availableReplicas: number;
  unavailableReplicas: number;
  conditions: DeploymentCondition[];
  collisionCount?: number;
}

interface ReplicaSetView {
  spec?: { replicas?: number };
  status?: { replicas?: number; readyReplicas?: number; availableReplicas?: number };
}

export interface DeploymentStatusInput {
  deployment: KubeObject;
  newReplicaSet: KubeObject | undefined;
  /** Every ReplicaSet the Deployment controls, the new one included. */
  replicaSets: readonly KubeObject[];
  /** maxUnavailable resolved against spec.replicas. */
  maxUnavailable: number;
  /** Set when this sync created the new ReplicaSet. */
  createdReplicaSet: boolean;
  now: string;
}

const total = (sets: readonly KubeObject[], read: (set: ReplicaSetView) => number | undefined) =>
  sets.reduce((sum, set) => sum + (read(set as ReplicaSetView) ?? 0), 0);

type ConditionUpdate = Omit<DeploymentCondition, "lastTransitionTime">;

function setCondition(conditions: DeploymentCondition[], next: ConditionUpdate): DeploymentCondition[] {
  const existing = conditions.find((condition) => condition.type === next.type);
  const keepTransition = existing && existing.status === next.status;
  const keepUpdate = keepTransition && existing.reason === next.reason && existing.message === next.message;
  const condition: DeploymentCondition = {
    ...next,
    lastUpdateTime: keepUpdate ? existing.lastUpdateTime : next.lastUpdateTime,
    lastTransitionTime: keepTransition ? existing.lastTransitionTime : next.lastUpdateTime,
  };
  return [...conditions.filter((other) => other.type !== next.type), condition];
}

/** kube's DeploymentComplete: every replica updated and available, and this generation observed. */
export function isDeploymentComplete(deployment: KubeObject, status: DeploymentStatus): boolean {
  const replicas = (deployment.spec as { replicas?: number }).replicas ?? 1;
  return (
    status.updatedReplicas === replicas &&
    status.replicas === replicas &&
    status.availableReplicas === replicas &&
    status.observedGeneration >= (deployment.metadata.generation ?? 1)
  );
}

export function deploymentStatus(input: DeploymentStatusInput): DeploymentStatus {
  const { deployment, newReplicaSet, replicaSets, now } = input;
  const spec = deployment.spec as { replicas?: number; progressDeadlineSeconds?: number };
  const previous = (deployment.status ?? {}) as Partial<DeploymentStatus>;
  const replicas = spec.replicas ?? 1;
  const available = total(replicaSets, (set) => set.status?.availableReplicas);
  const status: DeploymentStatus = {
    observedGeneration: deployment.metadata.generation ?? 1,
    replicas: total(replicaSets, (set) => set.status?.replicas),
    updatedReplicas: newReplicaSet ? total([newReplicaSet], (set) => set.status?.replicas) : 0,
    readyReplicas: total(replicaSets, (set) => set.status?.readyReplicas),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, total(replicaSets, (set) => set.spec?.replicas) - available),
    conditions: previous.conditions ?? [],
    ...(previous.collisionCount !== undefined ? { collisionCount: previous.collisionCount } : {}),
  };
  const set = (type: "Available" | "Progressing", ok: boolean, reason: string, message: string) => {
    status.conditions = setCondition(status.conditions, {
      type,
      status: ok ? "True" : "False",
      reason,
      message,
      lastUpdateTime: now,
    });
  };
  if (available >= replicas - input.maxUnavailable)
    set("Available", true, "MinimumReplicasAvailable", "Deployment has minimum availability.");
  else set("Available", false, "MinimumReplicasUnavailable", "Deployment does not have minimum availability.");
  const name = newReplicaSet?.metadata.name ?? "";
  const progressing = status.conditions.find((condition) => condition.type === "Progressing");
  const deadline = spec.progressDeadlineSeconds ?? 600;
  if (input.createdReplicaSet) set("Progressing", true, "NewReplicaSetCreated", `Created new replica set "${name}"`);
  else if (!newReplicaSet) return sortConditions(status);
  else if (isDeploymentComplete(deployment, status)) {
    set("Progressing", true, "NewReplicaSetAvailable", `ReplicaSet "${name}" has successfully progressed.`);
  } else if (hasProgressed(previous, status))
    set("Progressing", true, "ReplicaSetUpdated", `ReplicaSet "${name}" is progressing.`);
  else if (progressing && progressing.reason !== "NewReplicaSetAvailable" && timedOut(progressing, deadline, now)) {
    set("Progressing", false, "ProgressDeadlineExceeded", `ReplicaSet "${name}" has timed out progressing.`);
  }
  return sortConditions(status);
}

function sortConditions(status: DeploymentStatus): DeploymentStatus {
  const order = ["Available", "Progressing", "ReplicaFailure"];
  status.conditions.sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
  return status;
}

/** kube's DeploymentProgressing: more Pods updated, ready or available, or fewer old ones. */
function hasProgressed(previous: Partial<DeploymentStatus>, next: DeploymentStatus): boolean {
  const oldPods = (status: Partial<DeploymentStatus>) => (status.replicas ?? 0) - (status.updatedReplicas ?? 0);
  return (
    next.updatedReplicas > (previous.updatedReplicas ?? 0) ||
    next.readyReplicas > (previous.readyReplicas ?? 0) ||
    next.availableReplicas > (previous.availableReplicas ?? 0) ||
    oldPods(next) < oldPods(previous)
  );
}

function timedOut(condition: DeploymentCondition, deadlineSeconds: number, now: string): boolean {
  return Date.parse(condition.lastUpdateTime) + deadlineSeconds * 1000 < Date.parse(now);
}

/** Milliseconds until a rollout in progress times out (to look again then), undefined when none is. */
export function untilProgressDeadline(deployment: KubeObject, status: DeploymentStatus, now: Date): number | undefined {
  const progressing = status.conditions.find((condition) => condition.type === "Progressing");
  if (progressing?.status !== "True" || progressing.reason === "NewReplicaSetAvailable") return undefined;
  const deadline = (deployment.spec as { progressDeadlineSeconds?: number }).progressDeadlineSeconds ?? 600;
  return Math.max(0, Date.parse(progressing.lastUpdateTime) + deadline * 1000 + 1000 - now.getTime());
}
