// devcluster's in-process deletion controllers: ownerReference garbage collection (Background,
// Foreground, Orphan), namespace cleanup, and CRD cleanup. Driven by committed changes, no polling.
import { crdCleanupFinalizer, groupVersionOf, storageResource } from "../registry/index.ts";
import type { KubeObject, ObjectService, OwnerReference, ResourceCatalogue, ResourceInfo } from "../registry/index.ts";
import type { Change, ObjectKey, Store } from "../storage/index.ts";

export interface DeletionControllerOptions {
  store: Store;
  objects: ObjectService;
  catalogue: ResourceCatalogue;
  log: (message: string) => void;
}

const namespaceResource = "core/namespaces";
const crdResource = "apiextensions.k8s.io/customresourcedefinitions";
const orphanFinalizer = "orphan";
const foregroundFinalizer = "foregroundDeletion";

function keyString(key: ObjectKey): string {
  return `${key.resource}\u0000${key.namespace}\u0000${key.name}`;
}

export class DeletionController {
  readonly #store: Store;
  readonly #objects: ObjectService;
  readonly #catalogue: ResourceCatalogue;
  readonly #log: (message: string) => void;
  readonly #terminatingNamespaces = new Set<string>();
  readonly #terminatingCrds = new Set<string>();
  /** uids of deleted objects whose dependents are still to be collected. */
  readonly #deletedOwners = new Set<string>();
  /** Terminating objects that carry the orphan or foregroundDeletion finalizer. */
  readonly #finalizing = new Map<string, ObjectKey>();
  #scheduled: NodeJS.Immediate | undefined;
  #closed = false;

  constructor(options: DeletionControllerOptions) {
    this.#store = options.store;
    this.#objects = options.objects;
    this.#catalogue = options.catalogue;
    this.#log = options.log;
  }

  /** Picks up work left from before a restart: terminating objects and dependents whose owners are gone. */
  recover(): void {
    for (const resource of new Set(this.#catalogue.all.map(storageResource))) {
      for (const object of this.#store.list(resource)) {
        if (object.metadata.deletionTimestamp) this.#track(resource, object);
      }
    }
    for (const entry of this.#store.ownedObjects()) {
      for (const owner of entry.object.metadata.ownerReferences ?? []) {
        if (!this.#ownerExists(owner, entry.namespace)) this.#deletedOwners.add(owner.uid);
      }
    }
    this.#schedule();
  }

  /** Called for every committed change. */
  notify(change: Change): void {
    if (change.type === "DELETED") {
      if (change.object.metadata.uid) this.#deletedOwners.add(change.object.metadata.uid);
    } else if (change.object.metadata.deletionTimestamp) {
      this.#track(change.resource, change.object);
    }
    if (
      this.#deletedOwners.size + this.#terminatingNamespaces.size + this.#terminatingCrds.size + this.#finalizing.size >
      0
    )
      this.#schedule();
  }

  close(): void {
    this.#closed = true;
    if (this.#scheduled) clearImmediate(this.#scheduled);
  }

  #track(resource: string, object: KubeObject): void {
    const name = object.metadata.name ?? "";
    const key = { resource, namespace: object.metadata.namespace ?? "", name };
    if (resource === namespaceResource) this.#terminatingNamespaces.add(name);
    if (resource === crdResource && object.metadata.finalizers?.includes(crdCleanupFinalizer))
      this.#terminatingCrds.add(name);
    const finalizers = object.metadata.finalizers ?? [];
    if (finalizers.includes(orphanFinalizer) || finalizers.includes(foregroundFinalizer))
      this.#finalizing.set(keyString(key), key);
  }

  #schedule(): void {
    if (this.#scheduled || this.#closed) return;
    this.#scheduled = setImmediate(() => {
      this.#scheduled = undefined;
      try {
        this.#sweep();
      } catch (error) {
        this.#log(`devcluster: garbage collection failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
  }

  #sweep(): void {
    for (const uid of [...this.#deletedOwners]) {
      this.#deletedOwners.delete(uid);
      this.#collectDependents(uid);
    }
    for (const [id, key] of [...this.#finalizing]) if (this.#finalize(key)) this.#finalizing.delete(id);
    for (const name of [...this.#terminatingCrds]) if (this.#cleanCrd(name)) this.#terminatingCrds.delete(name);
    for (const name of [...this.#terminatingNamespaces])
      if (this.#cleanNamespace(name)) this.#terminatingNamespaces.delete(name);
  }

  #infoOf(resource: string): ResourceInfo | undefined {
    return this.#catalogue.findByStorage(resource);
  }

  #ownerExists(owner: OwnerReference, namespace: string): boolean {
    const info =
      this.#catalogue.all.find(
        (candidate) => groupVersionOf(candidate) === owner.apiVersion && candidate.kind === owner.kind,
      ) ??
      this.#catalogue.all.find(
        (candidate) =>
          candidate.kind === owner.kind && owner.apiVersion.startsWith(candidate.group ? `${candidate.group}/` : "v"),
      );
    // Like kube's garbage collector: an owner whose kind is not served is not known to be gone.
    if (!info) return true;
    const live = this.#store.get({
      resource: storageResource(info),
      namespace: info.namespaced ? namespace : "",
      name: owner.name,
    });
    return live?.metadata.uid === owner.uid;
  }

  /**
   * Background collection: a dependent without any remaining owner is deleted; otherwise the dangling reference goes.
   */
  #collectDependents(uid: string): void {
    for (const dependent of this.#store.dependentsOf(uid)) {
      const info = this.#infoOf(dependent.resource);
      if (!info) continue;
      const owners = dependent.object.metadata.ownerReferences ?? [];
      const remaining = owners.filter((owner) => owner.uid !== uid && this.#ownerExists(owner, dependent.namespace));
      if (remaining.length === 0) this.#objects.deleteInternally(info, dependent, "Background");
      else
        this.#objects.mutateInternally(info, dependent, (object) => {
          object.metadata.ownerReferences = (object.metadata.ownerReferences ?? []).filter(
            (owner) => owner.uid !== uid,
          );
        });
    }
  }

  /** Orphan: strip the owner's references from dependents; Foreground: delete dependents first. True when done. */
  #finalize(key: ObjectKey): boolean {
    const live = this.#store.get(key);
    const info = this.#infoOf(key.resource);
    if (!live || !info || !live.metadata.deletionTimestamp) return true;
    const uid = live.metadata.uid ?? "";
    const finalizers = live.metadata.finalizers ?? [];
    const dependents = this.#store.dependentsOf(uid);
    if (finalizers.includes(orphanFinalizer)) {
      for (const dependent of dependents) {
        const dependentInfo = this.#infoOf(dependent.resource);
        if (dependentInfo)
          this.#objects.mutateInternally(dependentInfo, dependent, (object) => {
            object.metadata.ownerReferences = (object.metadata.ownerReferences ?? []).filter(
              (owner) => owner.uid !== uid,
            );
            if (object.metadata.ownerReferences.length === 0) delete object.metadata.ownerReferences;
          });
      }
      this.#objects.mutateInternally(info, key, (object) => {
        object.metadata.finalizers = (object.metadata.finalizers ?? []).filter(
          (finalizer) => finalizer !== orphanFinalizer,
        );
      });
      return true;
    }
    if (finalizers.includes(foregroundFinalizer)) {
      if (dependents.length > 0) {
        for (const dependent of dependents) {
          const dependentInfo = this.#infoOf(dependent.resource);
          if (dependentInfo) this.#objects.deleteInternally(dependentInfo, dependent, "Foreground");
        }
        return false;
      }
      this.#objects.mutateInternally(info, key, (object) => {
        object.metadata.finalizers = (object.metadata.finalizers ?? []).filter(
          (finalizer) => finalizer !== foregroundFinalizer,
        );
      });
    }
    return true;
  }

  /** Deletes every custom resource of a terminating CRD, then releases its cleanup finalizer. True when done. */
  #cleanCrd(name: string): boolean {
    const crdInfo = this.#infoOf(crdResource)!;
    const crd = this.#store.get({ resource: crdResource, namespace: "", name });
    if (!crd) return true;
    const spec = crd.spec as { group: string; names: { plural: string } };
    const resource = storageResource({ group: spec.group, plural: spec.names.plural });
    const info = this.#infoOf(resource);
    const remaining = [...this.#store.list(resource)];
    if (info)
      for (const object of remaining)
        this.#objects.deleteInternally(info, {
          resource,
          namespace: object.metadata.namespace ?? "",
          name: object.metadata.name ?? "",
        });
    if (remaining.length > 0) return false;
    this.#objects.mutateInternally(crdInfo, { resource: crdResource, namespace: "", name }, (object) => {
      object.metadata.finalizers = (object.metadata.finalizers ?? []).filter(
        (finalizer) => finalizer !== crdCleanupFinalizer,
      );
    });
    return true;
  }

  /** Deletes everything in a terminating namespace, then the namespace itself. True when done. */
  #cleanNamespace(name: string): boolean {
    const namespaceInfo = this.#infoOf(namespaceResource)!;
    if (!this.#store.get({ resource: namespaceResource, namespace: "", name })) return true;
    const contents = this.#store.listNamespace(name);
    for (const entry of contents) {
      const info = this.#infoOf(entry.resource);
      if (info) this.#objects.deleteInternally(info, entry);
    }
    if (contents.length > 0) return false;
    this.#objects.finalizeInternally(namespaceInfo, { resource: namespaceResource, namespace: "", name });
    return true;
  }
}
