// What the UI keeps of a Pod: its name, creation and Ready time, which the wait breakdown needs; the informer's
// cache holds only this, however many Pods the namespace runs.
import type { V1Pod } from "@kubernetes/client-node";
import { identityMetadata } from "./identity-metadata.ts";
import { timeOf } from "./time-of.ts";

export interface WorkerPod {
  namespace: string;
  name: string;
  createdAt: number | undefined;
  /** When its Ready condition last turned True; undefined while it is not Ready. */
  readyAt: number | undefined;
}

/** The Pod cut to its name, creation and Ready condition (the informer's cache keeps only this). */
export function projectPod(pod: V1Pod): V1Pod {
  const ready = pod.status?.conditions?.filter((c) => c.type === "Ready");
  return {
    metadata: { ...identityMetadata(pod.metadata), creationTimestamp: pod.metadata?.creationTimestamp },
    ...(ready === undefined ? {} : { status: { conditions: ready } }),
  };
}

export function workerPodOf(pod: V1Pod): WorkerPod {
  const ready = pod.status?.conditions?.find((c) => c.type === "Ready" && c.status === "True");
  return {
    namespace: pod.metadata?.namespace ?? "default",
    name: pod.metadata?.name ?? "",
    createdAt: timeOf(pod.metadata?.creationTimestamp),
    readyAt: timeOf(ready?.lastTransitionTime),
  };
}
