// kube-controller-manager's ReplicaSet controller: keeps `spec.replicas` Pods from the template
// (generateName, ownerReference), deletes the cheapest Pods first on scale-down, and reports status.
import { isObject, labelSelectorFromMatch, matchesLabelSelector } from "../registry/index.ts";
import type { KubeObject, LabelSelectorMatch } from "../registry/index.ts";
import type { Change } from "../storage/index.ts";
import type { ClusterObjects } from "./cluster-objects.ts";
import { isPodActive, isPodAvailable, isPodReady, podsToDelete } from "./pod-state.ts";
import { queueKey, splitQueueKey } from "./queue-key.ts";
import { WorkQueue } from "./work-queue.ts";
import type { ReconcileResult } from "./work-queue.ts";

export interface ReplicaSetControllerOptions {
  cluster: ClusterObjects;
  clock: () => Date;
  log: (message: string) => void;
}

const source = { component: "replicaset-controller" };

interface ReplicaSetSpec {
  replicas?: number;
  minReadySeconds?: number;
  selector?: LabelSelectorMatch;
  template?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: unknown };
}

/** The Pod a ReplicaSet creates from its template. */
export function podFromTemplate(replicaSet: KubeObject): KubeObject {
  const spec = replicaSet.spec as ReplicaSetSpec;
  const template = spec.template ?? {};
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      generateName: `${replicaSet.metadata.name}-`,
      namespace: replicaSet.metadata.namespace,
      ...(template.metadata?.labels ? { labels: { ...template.metadata.labels } } : {}),
      ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
      ownerReferences: [
        {
          apiVersion: "apps/v1",
          kind: "ReplicaSet",
          name: replicaSet.metadata.name ?? "",
          uid: replicaSet.metadata.uid ?? "",
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: structuredClone(template.spec ?? {}),
  };
}

export class ReplicaSetController {
  readonly #cluster: ClusterObjects;
  readonly #clock: () => Date;
  readonly #queue: WorkQueue;
  readonly #podResource: string;
  readonly #replicaSetResource: string;

  constructor(options: ReplicaSetControllerOptions) {
    this.#cluster = options.cluster;
    this.#clock = options.clock;
    this.#podResource = options.cluster.resource("Pod");
    this.#replicaSetResource = options.cluster.resource("ReplicaSet");
    this.#queue = new WorkQueue({
      name: "replicaset-controller",
      log: options.log,
      reconcile: (key) => this.reconcile(key),
    });
  }

  /** Resyncs every ReplicaSet (after a restart). */
  recover(): void {
    for (const replicaSet of this.#cluster.list("ReplicaSet"))
      this.#queue.add(queueKey(replicaSet.metadata.namespace, replicaSet.metadata.name));
  }

  notify(change: Change): void {
    if (change.resource === this.#replicaSetResource) this.#queue.add(queueKey(change.namespace, change.name));
    if (change.resource !== this.#podResource) return;
    for (const owner of change.object.metadata.ownerReferences ?? []) {
      if (owner.controller && owner.kind === "ReplicaSet") this.#queue.add(queueKey(change.namespace, owner.name));
    }
  }

  close(): void {
    this.#queue.close();
  }

  reconcile(key: string): ReconcileResult {
    const [namespace, name] = splitQueueKey(key);
    const replicaSet = this.#cluster.find("ReplicaSet", namespace, name);
    if (!replicaSet) return {};
    const spec = replicaSet.spec as ReplicaSetSpec;
    const pods = this.#cluster.controlledBy("Pod", replicaSet.metadata.uid ?? "");
    const active = pods.filter(isPodActive);
    const wanted = replicaSet.metadata.deletionTimestamp ? active.length : (spec.replicas ?? 1);
    const diff = wanted - active.length;
    if (diff > 0) {
      for (let index = 0; index < diff; index++) {
        const pod = this.#cluster.create("Pod", namespace, podFromTemplate(replicaSet));
        this.#cluster.recordEvent(
          replicaSet,
          "Normal",
          "SuccessfulCreate",
          `Created pod: ${pod.metadata.name}`,
          source,
        );
      }
    } else if (diff < 0) {
      for (const pod of podsToDelete(active, -diff)) {
        this.#cluster.delete("Pod", namespace, pod.metadata.name ?? "");
        this.#cluster.recordEvent(
          replicaSet,
          "Normal",
          "SuccessfulDelete",
          `Deleted pod: ${pod.metadata.name}`,
          source,
        );
      }
    }
    return this.#writeStatus(
      replicaSet,
      this.#cluster.controlledBy("Pod", replicaSet.metadata.uid ?? "").filter(isPodActive),
    );
  }

  #writeStatus(replicaSet: KubeObject, active: KubeObject[]): ReconcileResult {
    const spec = replicaSet.spec as ReplicaSetSpec;
    const now = this.#clock();
    const minReadySeconds = spec.minReadySeconds ?? 0;
    const templateLabels = labelSelectorFromMatch({ matchLabels: spec.template?.metadata?.labels ?? {} });
    const available = active.filter((pod) => isPodAvailable(pod, minReadySeconds, now)).length;
    const ready = active.filter(isPodReady).length;
    const previous = isObject(replicaSet.status) ? replicaSet.status : {};
    const status = {
      ...(Array.isArray(previous.conditions) ? { conditions: previous.conditions } : {}),
      replicas: active.length,
      fullyLabeledReplicas: active.filter((pod) => matchesLabelSelector(templateLabels, pod.metadata.labels)).length,
      readyReplicas: ready,
      availableReplicas: available,
      observedGeneration: replicaSet.metadata.generation ?? 1,
    };
    this.#cluster.updateStatus("ReplicaSet", { ...replicaSet, status });
    // Pods ready but not yet for minReadySeconds become available later: look again then.
    return ready > available ? { requeueAfter: minReadySeconds * 1000 } : {};
  }
}
