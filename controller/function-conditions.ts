// The Function's Ready and Scaling conditions, from what the reconcile found; reasons a user can act on.
import type { Condition, LiveRevision } from "../crds/index.ts";
import type { ImageRevision } from "./image-revision.ts";
import type { ScalingSettings } from "./desired-replicas.ts";

/** What the Pods of the active revision show, when Pods are visible. */
export interface PodTrouble {
  reason: "ImageNotPullable" | "WorkersCrashing";
  message: string;
}

export interface ConditionInputs {
  image: ImageRevision;
  scalingProblem: string | undefined;
  settings: ScalingSettings;
  /** The active revision's entry (absent without a revision). */
  active: LiveRevision | undefined;
  /** The bound that clamped the active revision's desire. */
  limit: "minReplicas" | "maxReplicas" | undefined;
  live: readonly LiveRevision[];
  podTrouble: PodTrouble | undefined;
}

type Judgement = { status: "True" | "False"; reason: string; message: string };

export function readyCondition(inputs: ConditionInputs): Judgement {
  const { image, active, podTrouble } = inputs;
  if ("problem" in image) return { status: "False", reason: image.problem, message: image.message };
  if (podTrouble !== undefined) return { status: "False", ...podTrouble };
  const wanted = active?.desiredReplicas ?? 0;
  const ready = active?.readyReplicas ?? 0;
  if (wanted === 0) return { status: "True", reason: "ScaledToZero", message: `revision ${image.revision} is deployed at zero replicas; a Pending execution starts a worker` };
  if (ready >= wanted) return { status: "True", reason: "WorkersReady", message: `${ready} of ${wanted} workers of revision ${image.revision} are ready` };
  return { status: "False", reason: "WorkersStarting", message: `${ready} of ${wanted} workers of revision ${image.revision} are ready; see "kubectl get pods -l kontinue.cloud/revision=${image.revision}"` };
}

export function scalingCondition(inputs: ConditionInputs): Judgement {
  const { image, scalingProblem, settings, active, limit, live } = inputs;
  if (scalingProblem !== undefined) return { status: "False", reason: "InvalidScaling", message: `${scalingProblem}; replicas are left as they are` };
  if ("problem" in image) return { status: "False", reason: image.problem, message: "no revision to scale: see the Ready condition" };
  const work = live.reduce((sum, revision) => sum + (revision.pending ?? 0) + (revision.executing ?? 0), 0);
  const replicas = live.reduce((sum, revision) => sum + (revision.desiredReplicas ?? 0), 0);
  const cooling = live.find((revision) => revision.cooldownSince !== undefined);
  if (cooling !== undefined) {
    const at = new Date(Date.parse(cooling.cooldownSince!) + settings.cooldownSeconds * 1000).toISOString();
    return { status: "True", reason: "CoolingDown", message: `revision ${cooling.id} keeps ${cooling.desiredReplicas} replicas until ${at} (cooldownSeconds ${settings.cooldownSeconds}), then follows the lower desire` };
  }
  if (work === 0 && replicas === 0) return { status: "True", reason: "NoExecutions", message: "nothing is Pending or Executing: scaled to zero" };
  const counts = `${active?.pending ?? 0} pending + ${active?.executing ?? 0} executing`;
  if (limit === "maxReplicas") {
    return { status: "True", reason: "AtMaxReplicas", message: `${counts} want more workers than maxReplicas ${settings.maxReplicas}; raise spec.scaling.maxReplicas to run them sooner` };
  }
  if (limit === "minReplicas") return { status: "True", reason: "AtMinReplicas", message: `${counts}; held at minReplicas ${settings.minReplicas}` };
  return { status: "True", reason: "ScalingActive", message: `${counts} → ${active?.desiredReplicas ?? 0} replicas (targetPendingPerReplica ${settings.targetPendingPerReplica})` };
}

/** `judgement` as a condition, keeping lastTransitionTime when the status did not change. */
export function toCondition(type: string, judgement: Judgement, previous: readonly Condition[] | undefined, now: number, generation: number | undefined): Condition {
  const before = previous?.find((condition) => condition.type === type);
  const lastTransitionTime = before !== undefined && before.status === judgement.status && before.lastTransitionTime !== undefined ? before.lastTransitionTime : new Date(now).toISOString();
  return { type, ...judgement, lastTransitionTime, ...(generation === undefined ? {} : { observedGeneration: generation }) };
}
