// The Deployment controller's decisions as pure functions: surge and unavailability limits, and how far
// each ReplicaSet scales in one step of a RollingUpdate or Recreate rollout (kube's rolling.go, recreate.go).

export interface ReplicaSetCounts {
  name: string;
  /** `spec.replicas`. */
  replicas: number;
  /** `status.replicas`: active Pods. */
  current: number;
  /** `status.availableReplicas`. */
  available: number;
}

export interface RolloutInput {
  strategy: "RollingUpdate" | "Recreate";
  /** The Deployment's `spec.replicas`. */
  replicas: number;
  maxSurge: number | string;
  maxUnavailable: number | string;
  newReplicaSet: ReplicaSetCounts;
  /** Older first. */
  oldReplicaSets: readonly ReplicaSetCounts[];
}

/** An int-or-percent resolved against `total`: percentages round up for surge, down for unavailability. */
export function resolveIntOrPercent(value: number | string, total: number, roundUp: boolean): number {
  if (typeof value === "number") return value;
  const match = /^(\d+)%$/.exec(value);
  if (!match) return Number.parseInt(value, 10) || 0;
  const exact = (Number(match[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** kube's ResolveFenceposts: both limits, with unavailability 1 when both would be 0 (a rollout must move). */
export function resolveFenceposts(input: Pick<RolloutInput, "replicas" | "maxSurge" | "maxUnavailable">): {
  surge: number;
  unavailable: number;
} {
  const surge = resolveIntOrPercent(input.maxSurge, input.replicas, true);
  const unavailable = resolveIntOrPercent(input.maxUnavailable, input.replicas, false);
  return { surge, unavailable: surge === 0 && unavailable === 0 ? 1 : unavailable };
}

const sum = (sets: readonly ReplicaSetCounts[], field: keyof Omit<ReplicaSetCounts, "name">) =>
  sets.reduce((total, set) => total + set[field], 0);

/** The replicas each ReplicaSet should have after one step; only the ones that change are listed. */
export function planRollout(input: RolloutInput): Map<string, number> {
  return input.strategy === "Recreate" ? planRecreate(input) : planRolling(input);
}

function planRecreate(input: RolloutInput): Map<string, number> {
  const plan = new Map<string, number>();
  for (const old of input.oldReplicaSets) if (old.replicas > 0) plan.set(old.name, 0);
  if (plan.size > 0 || sum(input.oldReplicaSets, "current") > 0) return plan;
  if (input.newReplicaSet.replicas !== input.replicas) plan.set(input.newReplicaSet.name, input.replicas);
  return plan;
}

function planRolling(input: RolloutInput): Map<string, number> {
  const { newReplicaSet, oldReplicaSets, replicas } = input;
  const { surge, unavailable } = resolveFenceposts(input);
  const all = [newReplicaSet, ...oldReplicaSets];
  const plan = new Map<string, number>();
  // reconcileNewReplicaSet: scale down past the target at once, up within the surge.
  if (newReplicaSet.replicas > replicas) {
    plan.set(newReplicaSet.name, replicas);
    return plan;
  }
  if (newReplicaSet.replicas < replicas) {
    const room = replicas + surge - sum(all, "replicas");
    const scaleUp = Math.min(Math.max(0, room), replicas - newReplicaSet.replicas);
    if (scaleUp > 0) {
      plan.set(newReplicaSet.name, newReplicaSet.replicas + scaleUp);
      return plan;
    }
  }
  // reconcileOldReplicaSets: never below replicas − maxUnavailable available Pods.
  if (sum(oldReplicaSets, "replicas") === 0) return plan;
  const minAvailable = replicas - unavailable;
  const newUnavailable = newReplicaSet.replicas - newReplicaSet.available;
  let maxScaledDown = sum(all, "replicas") - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return plan;
  const next = new Map(oldReplicaSets.map((set) => [set.name, set.replicas]));
  // First the old ReplicaSets' unhealthy Pods, which cost no availability.
  for (const old of oldReplicaSets) {
    if (maxScaledDown <= 0) break;
    const unhealthy = Math.min(maxScaledDown, Math.max(0, old.replicas - old.available));
    if (unhealthy > 0) {
      next.set(old.name, old.replicas - unhealthy);
      maxScaledDown -= unhealthy;
    }
  }
  // Then available Pods, as far as the available total allows.
  const availableNow = sum(all, "available");
  let budget = Math.max(0, availableNow - minAvailable);
  for (const old of oldReplicaSets) {
    if (budget <= 0) break;
    const current = next.get(old.name)!;
    const scaleDown = Math.min(current, budget);
    if (scaleDown > 0) {
      next.set(old.name, current - scaleDown);
      budget -= scaleDown;
    }
  }
  for (const old of oldReplicaSets) if (next.get(old.name) !== old.replicas) plan.set(old.name, next.get(old.name)!);
  return plan;
}
