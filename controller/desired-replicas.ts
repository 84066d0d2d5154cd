// The scaling rule, per revision: desired = clamp(ceil((pending + executing) / targetPendingPerReplica),
// minReplicas, maxReplicas), never fewer than the replicas needed to hold what is executing; up at once,
// down only once the desire has stayed below the replicas for cooldownSeconds, to zero when idle.
import type { FunctionSpec, Scaling } from "../crds/index.ts";

export interface RevisionCounts {
  /** Pending executions pinned to the revision (or to be pinned to it). */
  pending: number;
  /** Executions a worker holds. */
  executing: number;
  /** Parked executions: they need no worker until they resume. */
  suspended: number;
}

export type ScalingSettings = Required<Scaling> & { concurrency: number };

/** The Function's scaling with the schema's defaults filled in. */
export function scalingSettings(spec: Pick<FunctionSpec, "scaling" | "concurrency">): ScalingSettings {
  return {
    minReplicas: spec.scaling?.minReplicas ?? 0,
    maxReplicas: spec.scaling?.maxReplicas ?? 10,
    targetPendingPerReplica: spec.scaling?.targetPendingPerReplica ?? 5,
    cooldownSeconds: spec.scaling?.cooldownSeconds ?? 300,
    concurrency: spec.concurrency ?? 10,
  };
}

/** Why a Function's scaling cannot be followed, or undefined when it can. */
export function scalingProblem(settings: ScalingSettings): string | undefined {
  const negative = (["minReplicas", "maxReplicas", "cooldownSeconds"] as const).filter((key) => !(settings[key] >= 0));
  if (negative.length > 0) return `spec.scaling.${negative[0]} is ${settings[negative[0]!]}; it must be 0 or more`;
  if (!(settings.targetPendingPerReplica >= 1))
    return `spec.scaling.targetPendingPerReplica is ${settings.targetPendingPerReplica}; it must be 1 or more`;
  if (!(settings.concurrency >= 1)) return `spec.concurrency is ${settings.concurrency}; it must be 1 or more`;
  if (settings.minReplicas > settings.maxReplicas) {
    return (
      `spec.scaling.minReplicas (${settings.minReplicas}) is greater than maxReplicas ` +
      `(${settings.maxReplicas}); lower minReplicas or raise maxReplicas`
    );
  }
  return undefined;
}

export interface ReplicaDecision {
  /** The replicas to write. */
  replicas: number;
  /** What the formula asks for now. */
  desired: number;
  /** Set while a scale-down waits for the cooldown: when the desire fell below the replicas. */
  cooldownSince?: number;
  /** When to look again (the cooldown's end). */
  requeueAfter?: number;
  /** The bound that clamped the formula, if one did. */
  limit?: "minReplicas" | "maxReplicas";
}

/** The formula's value for `counts`, and the bound that clamped it. */
export function replicasFor(
  counts: RevisionCounts,
  settings: ScalingSettings,
): { desired: number; limit?: "minReplicas" | "maxReplicas" } {
  const work = counts.pending + counts.executing;
  const wanted = Math.max(
    Math.ceil(work / settings.targetPendingPerReplica),
    Math.ceil(counts.executing / settings.concurrency),
  );
  if (wanted > settings.maxReplicas) return { desired: settings.maxReplicas, limit: "maxReplicas" };
  if (wanted < settings.minReplicas) return { desired: settings.minReplicas, limit: "minReplicas" };
  return { desired: wanted };
}

/**
 * The replicas to write at `now` for a revision that has `current.replicas`: the desire at once when it is
 * at least the current replicas, else the current replicas until the desire has stayed lower for
 * cooldownSeconds (counted from `current.cooldownSince`, or from now when it first drops).
 */
export function desiredReplicas(options: {
  counts: RevisionCounts;
  settings: ScalingSettings;
  now: number;
  current: { replicas: number; cooldownSince?: number };
}): ReplicaDecision {
  const { counts, settings, now, current } = options;
  const { desired, limit } = replicasFor(counts, settings);
  const clamp = limit === undefined ? {} : { limit };
  if (desired >= current.replicas) return { replicas: desired, desired, ...clamp };
  const since = current.cooldownSince ?? now;
  const remaining = since + settings.cooldownSeconds * 1000 - now;
  if (remaining <= 0) return { replicas: desired, desired, ...clamp };
  return { replicas: current.replicas, desired, cooldownSince: since, requeueAfter: remaining, ...clamp };
}
