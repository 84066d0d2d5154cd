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

const yes = (reason: string, message: string): Judgement => ({ status: "True", reason, message });
const no = (reason: string, message: string): Judgement => ({ status: "False", reason, message });

export function readyCondition(inputs: ConditionInputs): Judgement {
  const { image, active, podTrouble } = inputs;
  if ("problem" in image) return no(image.problem, image.message);
  if (podTrouble !== undefined) return no(podTrouble.reason, podTrouble.message);
  const wanted = active?.desiredReplicas ?? 0;
  const ready = active?.readyReplicas ?? 0;
  const revision = image.revision;
  if (wanted === 0)
    return yes(
      "ScaledToZero",
      `revision ${revision} is deployed at zero replicas; a Pending execution starts a worker`,
    );
  const workers = `${ready} of ${wanted} workers of revision ${revision} are ready`;
  if (ready >= wanted) return yes("WorkersReady", workers);
  return no("WorkersStarting", `${workers}; see "kubectl get pods -l kontinue.cloud/revision=${revision}"`);
}

export function scalingCondition(inputs: ConditionInputs): Judgement {
  const { image, scalingProblem, settings, active, limit, live } = inputs;
  if (scalingProblem !== undefined) return no("InvalidScaling", `${scalingProblem}; replicas are left as they are`);
  if ("problem" in image) return no(image.problem, "no revision to scale: see the Ready condition");
  const work = live.reduce((sum, revision) => sum + (revision.pending ?? 0) + (revision.executing ?? 0), 0);
  const replicas = live.reduce((sum, revision) => sum + (revision.desiredReplicas ?? 0), 0);
  const cooling = live.find((revision) => revision.cooldownSince !== undefined);
  if (cooling !== undefined) {
    const at = new Date(Date.parse(cooling.cooldownSince!) + settings.cooldownSeconds * 1000).toISOString();
    const keeps = `revision ${cooling.id} keeps ${cooling.desiredReplicas} replicas until ${at}`;
    return yes("CoolingDown", `${keeps} (cooldownSeconds ${settings.cooldownSeconds}), then follows the lower desire`);
  }
  if (work === 0 && replicas === 0) return yes("NoExecutions", "nothing is Pending or Executing: scaled to zero");
  const counts = `${active?.pending ?? 0} pending + ${active?.executing ?? 0} executing`;
  if (limit === "maxReplicas") {
    const raise = "raise spec.scaling.maxReplicas to run them sooner";
    return yes("AtMaxReplicas", `${counts} want more workers than maxReplicas ${settings.maxReplicas}; ${raise}`);
  }
  if (limit === "minReplicas") return yes("AtMinReplicas", `${counts}; held at minReplicas ${settings.minReplicas}`);
  const target = `targetPendingPerReplica ${settings.targetPendingPerReplica}`;
  return yes("ScalingActive", `${counts} → ${active?.desiredReplicas ?? 0} replicas (${target})`);
}

/** `judgement` as a condition, keeping lastTransitionTime when the status did not change. */
export function toCondition(
  type: string,
  judgement: Judgement,
  previous: readonly Condition[] | undefined,
  now: number,
  generation: number | undefined,
): Condition {
  const before = previous?.find((condition) => condition.type === type);
  const kept = before !== undefined && before.status === judgement.status ? before.lastTransitionTime : undefined;
  const lastTransitionTime = kept ?? new Date(now).toISOString();
  return {
    type,
    ...judgement,
    lastTransitionTime,
    ...(generation === undefined ? {} : { observedGeneration: generation }),
  };
}
