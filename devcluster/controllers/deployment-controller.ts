// kube-controller-manager's Deployment controller: one ReplicaSet per Pod template (named and labelled by
// its pod-template-hash), rollouts by RollingUpdate or Recreate, revision history, and Deployment status.
import { cloneJson, isObject, jsonEqual, kubeTime } from "../registry/index.ts";
import type { KubeObject } from "../registry/index.ts";
import type { Change } from "../storage/index.ts";
import type { ClusterObjects } from "./cluster-objects.ts";
import { deploymentStatus, untilProgressDeadline } from "./deployment-status.ts";
import { podTemplateHash } from "./pod-template-hash.ts";
import { queueKey, splitQueueKey } from "./queue-key.ts";
import { planRollout, resolveFenceposts } from "./rollout-plan.ts";
import type { ReplicaSetCounts } from "./rollout-plan.ts";
import { WorkQueue } from "./work-queue.ts";
import type { ReconcileResult } from "./work-queue.ts";

export interface DeploymentControllerOptions {
  cluster: ClusterObjects;
  clock: () => Date;
  log: (message: string) => void;
}

export const revisionAnnotation = "deployment.kubernetes.io/revision";
const desiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas";
const maxReplicasAnnotation = "deployment.kubernetes.io/max-replicas";
const hashLabel = "pod-template-hash";
/** Annotations a Deployment keeps to itself (kube's skipCopyAnnotation). */
const notCopied = new Set([
  revisionAnnotation,
  "kubectl.kubernetes.io/last-applied-configuration",
  "deployment.kubernetes.io/revision-history",
]);
const source = { component: "deployment-controller" };

interface Template {
  metadata?: { labels?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

interface DeploymentSpec {
  replicas?: number;
  paused?: boolean;
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  selector?: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
  strategy?: {
    type?: "RollingUpdate" | "Recreate";
    rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string };
  };
  template?: Template;
}

function revisionOf(object: KubeObject): number {
  return Number(object.metadata.annotations?.[revisionAnnotation] ?? 0) || 0;
}

function templateWithoutHash(template: unknown): unknown {
  const copy = cloneJson((template ?? {}) as Template);
  const labels = copy.metadata?.labels;
  if (labels) {
    delete labels[hashLabel];
    if (Object.keys(labels).length === 0) delete copy.metadata!.labels;
  }
  return copy;
}

function countsOf(replicaSet: KubeObject): ReplicaSetCounts {
  const spec = replicaSet.spec as { replicas?: number };
  const status = (replicaSet.status ?? {}) as { replicas?: number; availableReplicas?: number };
  return {
    name: replicaSet.metadata.name ?? "",
    replicas: spec.replicas ?? 0,
    current: status.replicas ?? 0,
    available: status.availableReplicas ?? 0,
  };
}

function copiedAnnotations(deployment: KubeObject): Record<string, string> {
  return Object.fromEntries(
    Object.entries(deployment.metadata.annotations ?? {}).filter(([key]) => !notCopied.has(key)),
  );
}

function fencepostsOf(spec: DeploymentSpec): {
  replicas: number;
  maxSurge: number | string;
  maxUnavailable: number | string;
} {
  const rolling = spec.strategy?.rollingUpdate;
  return {
    replicas: spec.replicas ?? 1,
    maxSurge: rolling?.maxSurge ?? "25%",
    maxUnavailable: rolling?.maxUnavailable ?? "25%",
  };
}

function controllerReference(owner: KubeObject) {
  const { name = "", uid = "" } = owner.metadata;
  return { apiVersion: owner.apiVersion, kind: owner.kind, name, uid, controller: true, blockOwnerDeletion: true };
}

/** The ReplicaSet a Deployment's current template gets: `<deployment>-<hash>`, selector and labels with the hash. */
export function desiredReplicaSet(deployment: KubeObject, hash: string, revision: number): KubeObject {
  const spec = deployment.spec as DeploymentSpec;
  const template = cloneJson(spec.template ?? {});
  template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [hashLabel]: hash } };
  const replicas = spec.replicas ?? 1;
  const surge = spec.strategy?.type === "Recreate" ? 0 : resolveFenceposts(fencepostsOf(spec)).surge;
  return {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: {
      name: `${deployment.metadata.name}-${hash}`,
      namespace: deployment.metadata.namespace,
      labels: { ...spec.template?.metadata?.labels, [hashLabel]: hash },
      annotations: {
        ...copiedAnnotations(deployment),
        [revisionAnnotation]: String(revision),
        [desiredReplicasAnnotation]: String(replicas),
        [maxReplicasAnnotation]: String(replicas + surge),
      },
      ownerReferences: [controllerReference(deployment)],
    },
    spec: {
      replicas: 0,
      minReadySeconds: spec.minReadySeconds ?? 0,
      selector: { ...spec.selector, matchLabels: { ...spec.selector?.matchLabels, [hashLabel]: hash } },
      template,
    },
  };
}

export class DeploymentController {
  readonly #cluster: ClusterObjects;
  readonly #clock: () => Date;
  readonly #queue: WorkQueue;
  readonly #deploymentResource: string;
  readonly #replicaSetResource: string;

  constructor(options: DeploymentControllerOptions) {
    this.#cluster = options.cluster;
    this.#clock = options.clock;
    this.#deploymentResource = options.cluster.resource("Deployment");
    this.#replicaSetResource = options.cluster.resource("ReplicaSet");
    this.#queue = new WorkQueue({
      name: "deployment-controller",
      log: options.log,
      reconcile: (key) => this.reconcile(key),
    });
  }

  recover(): void {
    for (const deployment of this.#cluster.list("Deployment"))
      this.#queue.add(queueKey(deployment.metadata.namespace, deployment.metadata.name));
  }

  notify(change: Change): void {
    if (change.resource === this.#deploymentResource) this.#queue.add(queueKey(change.namespace, change.name));
    if (change.resource !== this.#replicaSetResource) return;
    for (const owner of change.object.metadata.ownerReferences ?? []) {
      if (owner.controller && owner.kind === "Deployment") this.#queue.add(queueKey(change.namespace, owner.name));
    }
  }

  close(): void {
    this.#queue.close();
  }

  reconcile(key: string): ReconcileResult {
    const [namespace, name] = splitQueueKey(key);
    let deployment = this.#cluster.find("Deployment", namespace, name);
    if (!deployment || deployment.metadata.deletionTimestamp) return {};
    const spec = deployment.spec as DeploymentSpec;
    const owned = this.#cluster.controlledBy("ReplicaSet", deployment.metadata.uid ?? "");
    const template = templateWithoutHash(spec.template);
    let newReplicaSet = owned.find((set) =>
      jsonEqual(templateWithoutHash((set.spec as DeploymentSpec).template), template),
    );
    const created = (set: KubeObject) => String(set.metadata.creationTimestamp);
    const old = owned
      .filter((set) => set !== newReplicaSet)
      .sort((a, b) => revisionOf(a) - revisionOf(b) || created(a).localeCompare(created(b)));
    const maxOldRevision = Math.max(0, ...old.map(revisionOf));
    let createdNew = false;
    if (!newReplicaSet) {
      const collisionCount = (deployment.status as { collisionCount?: number } | undefined)?.collisionCount ?? 0;
      const wanted = desiredReplicaSet(deployment, podTemplateHash(spec.template, collisionCount), maxOldRevision + 1);
      if (this.#cluster.find("ReplicaSet", namespace, wanted.metadata.name ?? "")) {
        // A ReplicaSet of that name with another template: pick another hash, as kube does.
        this.#cluster.updateStatus("Deployment", {
          ...deployment,
          status: { ...(isObject(deployment.status) ? deployment.status : {}), collisionCount: collisionCount + 1 },
        });
        return {};
      }
      newReplicaSet = this.#cluster.create("ReplicaSet", namespace, wanted);
      createdNew = true;
    } else if (revisionOf(newReplicaSet) <= maxOldRevision) {
      // A rollback to an older template: that ReplicaSet becomes the newest revision.
      newReplicaSet = this.#cluster.update("ReplicaSet", {
        ...newReplicaSet,
        metadata: {
          ...newReplicaSet.metadata,
          annotations: { ...newReplicaSet.metadata.annotations, [revisionAnnotation]: String(maxOldRevision + 1) },
        },
      });
    }
    if (deployment.metadata.annotations?.[revisionAnnotation] !== String(revisionOf(newReplicaSet))) {
      deployment = this.#cluster.update("Deployment", {
        ...deployment,
        metadata: {
          ...deployment.metadata,
          annotations: { ...deployment.metadata.annotations, [revisionAnnotation]: String(revisionOf(newReplicaSet)) },
        },
      });
    }
    const strategy = spec.strategy?.type ?? "RollingUpdate";
    const fenceposts = fencepostsOf(spec);
    const all = new Map([newReplicaSet, ...old].map((set) => [set.metadata.name ?? "", set]));
    if (!spec.paused) {
      const plan = planRollout({
        strategy,
        ...fenceposts,
        newReplicaSet: countsOf(newReplicaSet),
        oldReplicaSets: old.map(countsOf),
      });
      for (const [setName, count] of plan) all.set(setName, this.#scale(deployment, all.get(setName)!, count));
      this.#cleanUpHistory(
        spec,
        [...all.values()].filter((set) => set.metadata.name !== newReplicaSet.metadata.name),
      );
    }
    const current = [...all.values()].filter((set) =>
      this.#cluster.find("ReplicaSet", namespace, set.metadata.name ?? ""),
    );
    const maxUnavailable = strategy === "Recreate" ? 0 : resolveFenceposts(fenceposts).unavailable;
    const now = this.#clock();
    const status = deploymentStatus({
      deployment,
      newReplicaSet: all.get(newReplicaSet.metadata.name ?? ""),
      replicaSets: current,
      maxUnavailable,
      createdReplicaSet: createdNew,
      now: kubeTime(now),
    });
    if (!jsonEqual(status, deployment.status)) this.#cluster.updateStatus("Deployment", { ...deployment, status });
    const wait = untilProgressDeadline(deployment, status, now);
    return wait === undefined ? {} : { requeueAfter: wait };
  }

  #scale(deployment: KubeObject, replicaSet: KubeObject, replicas: number): KubeObject {
    const from = (replicaSet.spec as { replicas?: number }).replicas ?? 0;
    const spec = deployment.spec as DeploymentSpec;
    const scaled = this.#cluster.update("ReplicaSet", {
      ...replicaSet,
      metadata: {
        ...replicaSet.metadata,
        annotations: { ...replicaSet.metadata.annotations, [desiredReplicasAnnotation]: String(spec.replicas ?? 1) },
      },
      spec: { ...(replicaSet.spec as object), replicas },
    });
    const direction = replicas > from ? "up" : "down";
    const message = `Scaled ${direction} replica set ${replicaSet.metadata.name} from ${from} to ${replicas}`;
    this.#cluster.recordEvent(deployment, "Normal", "ScalingReplicaSet", message, source);
    return scaled;
  }

  /** Deletes the oldest ReplicaSets at zero replicas beyond `revisionHistoryLimit`. */
  #cleanUpHistory(spec: DeploymentSpec, old: KubeObject[]): void {
    const limit = spec.revisionHistoryLimit ?? 10;
    const idle = old.filter(
      (set) => countsOf(set).replicas === 0 && countsOf(set).current === 0 && !set.metadata.deletionTimestamp,
    );
    for (const set of idle.slice(0, Math.max(0, idle.length - limit))) {
      this.#cluster.delete("ReplicaSet", set.metadata.namespace ?? "", set.metadata.name ?? "");
    }
  }
}
