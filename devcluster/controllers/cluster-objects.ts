// How devcluster's controllers and node agent read and write objects: through the object service,
// with every rule an API client meets (resourceVersion conflicts, status subresources, graceful deletion).
import { randomBytes } from "node:crypto";
import { kubeTime, storageResource } from "../registry/index.ts";
import type { DeleteOptions, KubeObject, ObjectService, ResourceCatalogue, ResourceInfo } from "../registry/index.ts";
import type { Store } from "../storage/index.ts";

/** The built-in kinds the workload controllers and the node agent touch. */
export type WorkloadKind = "Deployment" | "ReplicaSet" | "Pod" | "Event";

const groups: Record<WorkloadKind, string> = { Deployment: "apps", ReplicaSet: "apps", Pod: "", Event: "" };

export interface ClusterObjectsOptions {
  objects: ObjectService;
  store: Store;
  catalogue: ResourceCatalogue;
  /** The field manager writes are recorded under (`deployment-controller`, `kubelet`). */
  manager: string;
  clock: () => Date;
}

export interface EventSource {
  component: string;
  host?: string;
}

export class ClusterObjects {
  readonly #options: ClusterObjectsOptions;

  constructor(options: ClusterObjectsOptions) {
    this.#options = options;
  }

  info(kind: WorkloadKind): ResourceInfo {
    const info = this.#options.catalogue.all.find(
      (candidate) => candidate.builtin && candidate.kind === kind && candidate.group === groups[kind],
    );
    if (!info) throw new Error(`devcluster serves no built-in kind ${kind}`);
    return info;
  }

  /** The storage resource of a kind, as changes name it (`apps/replicasets`). */
  resource(kind: WorkloadKind): string {
    return storageResource(this.info(kind));
  }

  find(kind: WorkloadKind, namespace: string, name: string): KubeObject | undefined {
    return this.#options.objects.find(this.info(kind), namespace, name);
  }

  /** Objects of `kind` whose controller ownerReference names `ownerUid`. */
  controlledBy(kind: WorkloadKind, ownerUid: string): KubeObject[] {
    const resource = this.resource(kind);
    return this.#options.store
      .dependentsOf(ownerUid)
      .filter((entry) => entry.resource === resource)
      .map((entry) => entry.object)
      .filter((object) =>
        (object.metadata.ownerReferences ?? []).some((owner) => owner.uid === ownerUid && owner.controller === true),
      );
  }

  list(kind: WorkloadKind): KubeObject[] {
    return [...this.#options.store.list(this.resource(kind))];
  }

  create(kind: WorkloadKind, namespace: string, object: KubeObject): KubeObject {
    return this.#options.objects.create(this.info(kind), namespace, object, this.#context()).object;
  }

  /** PUT with the object's resourceVersion: a stale read is a 409 the caller's queue retries. */
  update(kind: WorkloadKind, object: KubeObject): KubeObject {
    const { namespace, name } = object.metadata;
    return this.#options.objects.update(this.info(kind), namespace, name ?? "", object, this.#context()).object;
  }

  updateStatus(kind: WorkloadKind, object: KubeObject): KubeObject {
    const { namespace, name } = object.metadata;
    return this.#options.objects.update(this.info(kind), namespace, name ?? "", object, this.#context(), "status")
      .object;
  }

  delete(kind: WorkloadKind, namespace: string, name: string, options: DeleteOptions = {}): void {
    const info = this.info(kind);
    if (this.#options.objects.find(info, namespace, name))
      this.#options.objects.delete(info, namespace, name, options, false);
  }

  /**
   * A v1 Event about `object`, as client-go's recorder writes it (shown by `kubectl describe` and `kubectl events`).
   * Best effort, as that recorder is: an Event the API refuses (its namespace is being terminated, the store is
   * closing) is dropped, never an error for the caller, whose real work (stopping a container) must go on.
   */
  recordEvent(
    object: KubeObject,
    type: "Normal" | "Warning",
    reason: string,
    message: string,
    source: EventSource,
  ): void {
    const now = kubeTime(this.#options.clock());
    const namespace = object.metadata.namespace ?? "default";
    const name = `${object.metadata.name ?? ""}.${randomBytes(8).toString("hex")}`;
    const event: KubeObject = {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name, namespace },
      involvedObject: {
        apiVersion: object.apiVersion,
        kind: object.kind,
        namespace,
        name: object.metadata.name,
        uid: object.metadata.uid,
        resourceVersion: object.metadata.resourceVersion,
      },
      reason,
      message,
      type,
      source,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      reportingComponent: source.component,
      reportingInstance: source.host ?? "",
    };
    try {
      this.create("Event", namespace, event);
    } catch {
      // Dropped, as above.
    }
  }

  #context() {
    return { dryRun: false, defaultManager: this.#options.manager, fieldValidation: "Ignore" as const };
  }
}
