// What the controller reads from and writes to a revision's worker Pods: image-pull and crash troubles
// for the Ready condition, and the deletion cost that makes a scale-down remove idle workers first.
import type { V1Pod } from "@kubernetes/client-node";
import type { PodTrouble } from "./function-conditions.ts";

/** The annotation a ReplicaSet reads when it picks Pods to remove: lower cost goes first. */
export const POD_DELETION_COST = "controller.kubernetes.io/pod-deletion-cost";

const pullFailures = new Set(["ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull"]);

/** The first trouble the Pods show (a failing image pull before a crash loop), if any. */
export function podTrouble(pods: readonly V1Pod[]): PodTrouble | undefined {
  const waiting = pods.flatMap((pod) =>
    (pod.status?.containerStatuses ?? []).flatMap((status) =>
      status.state?.waiting?.reason === undefined
        ? []
        : [{ pod: pod.metadata?.name, ...status.state.waiting, image: status.image }],
    ),
  );
  const pull = waiting.find((state) => pullFailures.has(state.reason!));
  if (pull !== undefined) {
    return {
      reason: "ImageNotPullable",
      message:
        `Pod "${pull.pod}" cannot pull image "${pull.image}" ` +
        `(${pull.reason}${pull.message ? `: ${pull.message}` : ""}); check that the image was pushed and that the ` +
        `cluster can reach and log in to its registry`,
    };
  }
  const crash = waiting.find((state) => state.reason === "CrashLoopBackOff");
  if (crash !== undefined) {
    return {
      reason: "WorkersCrashing",
      message:
        `the worker in Pod "${crash.pod}" keeps exiting (CrashLoopBackOff); see "kubectl ` +
        `logs ${crash.pod} --previous"`,
    };
  }
  return undefined;
}

/** The deletion-cost annotation each Pod should carry: the executions it holds (none when idle). */
export function deletionCostChanges(
  pods: readonly V1Pod[],
  held: ReadonlyMap<string, number>,
): { pod: string; cost: string | null }[] {
  const changes: { pod: string; cost: string | null }[] = [];
  for (const pod of pods) {
    const name = pod.metadata?.name;
    if (name === undefined || pod.metadata?.deletionTimestamp !== undefined) continue;
    const count = held.get(name) ?? 0;
    const wanted = count > 0 ? String(count) : null;
    if ((pod.metadata?.annotations?.[POD_DELETION_COST] ?? null) !== wanted) changes.push({ pod: name, cost: wanted });
  }
  return changes;
}
