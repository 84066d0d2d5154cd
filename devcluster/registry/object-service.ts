// The generic registry: get, list, create, update, patch and delete of any served resource,
// with kube-apiserver's rules for names, resourceVersion, generation, status and finalizers.
import { randomUUID } from "node:crypto";
import type { Change, ChangeFeed, ObjectKey, Store } from "../storage/index.ts";
import { alreadyExists, ApiError, badRequest, conflict, invalid, notFound } from "./api-error.ts";
import { decodeObject } from "./decode-object.ts";
import { cloneJson, jsonEqual } from "./json-value.ts";
import {
  gracefulDeletionSeconds,
  hasGeneration,
  nextGeneration,
  prepareForCreate,
  prepareForUpdate,
  requiresResourceVersion,
} from "./kind-strategy.ts";
import { kubeTime } from "./kube-time.ts";
import { patchObject } from "./patch-object.ts";
import type { PatchRequest } from "./patch-object.ts";
import { groupVersionOf, storageResource } from "./resource-catalogue.ts";
import type { JSONSchemaProps, KubeObject, ResourceInfo } from "./resource-info.ts";
import { recordUpdateManager, serverSideApply } from "./server-side-apply.ts";
import { admitObject, validateObjectName } from "./structural-schema.ts";

export type FieldValidation = "Strict" | "Warn" | "Ignore";

/** What a write request asks for beyond its body (query parameters and the caller). */
export interface WriteContext {
  dryRun: boolean;
  /** `fieldManager` from the query, if given. */
  fieldManager?: string;
  /** The manager recorded when none is given (kube derives it from the User-Agent). */
  defaultManager: string;
  fieldValidation: FieldValidation;
}

export interface WriteResult {
  object: KubeObject;
  /** `object` serialized, when it is exactly what was stored. */
  json?: string;
  warnings: string[];
  /** 201 when the write created the object. */
  code: 200 | 201;
}

export interface DeleteOptions {
  propagationPolicy?: "Background" | "Foreground" | "Orphan";
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  gracePeriodSeconds?: number;
}

export type DeleteResult = { type: "deleted"; object: KubeObject } | { type: "terminating"; object: KubeObject };

export interface ObjectServiceOptions {
  store: Store;
  feed: ChangeFeed;
  clock: () => Date;
  /** Called after each committed change has been published (catalogue refresh, garbage collection). */
  afterCommit: (change: Change) => void;
}

const generateNameAlphabet = "bcdfghjklmnpqrstvwxz2456789";
const namespaceResource = "core/namespaces";
const devclusterManager = "kontinue-devcluster";

/** The CRD schema the field-ownership code needs for list types (built-ins use its list-key table). */
function schemaOf(info: ResourceInfo): { schema?: JSONSchemaProps } {
  return !info.builtin && info.schema ? { schema: info.schema } : {};
}

/** A wrong JSON type in a built-in kind is a decoding error (400) for kube-apiserver, not a validation one (422). */
function admitBuiltinOrCustom(
  info: ResourceInfo,
  object: KubeObject,
  strictFields: boolean,
  previous: KubeObject | undefined,
): ReturnType<typeof admitObject> {
  try {
    return admitObject({
      schema: info.schema!,
      object,
      kind: info.kind,
      group: info.group,
      strictFields,
      ...(previous ? { previous } : {}),
    });
  } catch (error) {
    const typeErrors =
      error instanceof ApiError && info.builtin
        ? (error.details?.causes ?? []).filter((cause) => cause.reason === "FieldValueTypeInvalid")
        : [];
    if (typeErrors.length === 0) throw error;
    throw badRequest(
      `${info.kind} in version "${info.version}" cannot be handled as ` +
        `a ${info.kind}: ${typeErrors.map((cause) => `${cause.field}: ${cause.message}`).join(", ")}`,
    );
  }
}

function resultOf(info: ResourceInfo, change: Change, warnings: string[], code: 200 | 201): WriteResult {
  const object = present(info, change.object);
  return { object, warnings, code, ...(object === change.object ? { json: change.json } : {}) };
}

function subjectOf(info: ResourceInfo, name?: string) {
  return { group: info.group, plural: info.plural, ...(name !== undefined ? { name } : {}) };
}

/** The object as clients of `info`'s version see it (custom resources are stored once for all versions). */
export function present(info: ResourceInfo, object: KubeObject): KubeObject {
  const apiVersion = groupVersionOf(info);
  return object.apiVersion === apiVersion && object.kind === info.kind
    ? object
    : { ...object, apiVersion, kind: info.kind };
}

export class ObjectService {
  readonly #store: Store;
  readonly #feed: ChangeFeed;
  readonly #clock: () => Date;
  readonly #afterCommit: (change: Change) => void;

  constructor(options: ObjectServiceOptions) {
    this.#store = options.store;
    this.#feed = options.feed;
    this.#clock = options.clock;
    this.#afterCommit = options.afterCommit;
  }

  key(info: ResourceInfo, namespace: string | undefined, name: string): ObjectKey {
    return { resource: storageResource(info), namespace: info.namespaced ? (namespace ?? "") : "", name };
  }

  get(info: ResourceInfo, namespace: string | undefined, name: string): KubeObject {
    const object = this.#store.get(this.key(info, namespace, name));
    if (!object) throw notFound(subjectOf(info, name));
    return present(info, object);
  }

  find(info: ResourceInfo, namespace: string | undefined, name: string): KubeObject | undefined {
    const object = this.#store.get(this.key(info, namespace, name));
    return object && present(info, object);
  }

  create(info: ResourceInfo, namespace: string | undefined, body: unknown, context: WriteContext): WriteResult {
    const object = decodeObject(info, body, { namespace });
    return this.#create(info, namespace, object, context, "Update");
  }

  update(
    info: ResourceInfo,
    namespace: string | undefined,
    name: string,
    body: unknown,
    context: WriteContext,
    subresource?: "status",
  ): WriteResult {
    const object = decodeObject(info, body, { namespace, name });
    const live = this.get(info, namespace, name);
    if (object.metadata.uid && object.metadata.uid !== live.metadata.uid) {
      throw conflict(
        subjectOf(info, name),
        `Precondition failed: UID in precondition: ${object.metadata.uid}, UID in object meta: ${live.metadata.uid}`,
      );
    }
    const requested = object.metadata.resourceVersion;
    if (requested === undefined || requested === "") {
      if (requiresResourceVersion(info)) {
        throw invalid(info.kind, info.group, name, [
          {
            field: "metadata.resourceVersion",
            reason: "FieldValueInvalid",
            message: "Invalid value: 0x0: must be specified for an update",
          },
        ]);
      }
    } else if (requested !== live.metadata.resourceVersion) {
      throw conflict(subjectOf(info, name));
    }
    return this.#update(info, live, object, context, subresource, "Update");
  }

  patch(
    info: ResourceInfo,
    namespace: string | undefined,
    name: string,
    request: PatchRequest,
    context: WriteContext,
    subresource?: "status",
  ): WriteResult {
    const manager = context.fieldManager ?? context.defaultManager;
    if (request.type === "apply" && context.fieldManager === undefined) {
      throw invalid("PatchOptions", "meta.k8s.io", "", [
        { field: "fieldManager", reason: "FieldValueRequired", message: "Required value: is required for apply patch" },
      ]);
    }
    if (request.type !== "apply" && request.force) {
      throw invalid("PatchOptions", "meta.k8s.io", "", [
        {
          field: "force",
          reason: "FieldValueForbidden",
          message: "Forbidden: may not be specified for non-apply patch",
        },
      ]);
    }
    const live = this.find(info, namespace, name);
    const now = this.#clock();
    if (!live) {
      if (request.type !== "apply" || subresource) throw notFound(subjectOf(info, name));
      const applied = decodeObject(info, request.body, { namespace, name });
      const created = serverSideApply({
        live: undefined,
        applied,
        manager,
        force: request.force,
        now: kubeTime(now),
        ...schemaOf(info),
      });
      return this.#create(info, namespace, created, context, "Apply");
    }
    const patched =
      request.type === "apply"
        ? serverSideApply({
            live,
            applied: decodeObject(info, request.body, { namespace, name }),
            manager,
            force: request.force,
            now: kubeTime(now),
            ...(subresource ? { subresource } : {}),
            ...schemaOf(info),
          })
        : patchObject(info, live, request.type, request.body);
    const requested = patched.metadata?.resourceVersion;
    if (requested !== undefined && requested !== live.metadata.resourceVersion) throw conflict(subjectOf(info, name));
    return this.#update(
      info,
      live,
      decodeObject(info, patched, { namespace, name }),
      context,
      subresource,
      request.type === "apply" ? "Apply" : "Update",
    );
  }

  delete(
    info: ResourceInfo,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions,
    dryRun: boolean,
  ): DeleteResult {
    const live = this.get(info, namespace, name);
    const { preconditions } = options;
    if (preconditions?.uid && preconditions.uid !== live.metadata.uid) {
      throw conflict(
        subjectOf(info, name),
        `Precondition failed: UID in precondition: ${preconditions.uid}, UID in object meta: ${live.metadata.uid}`,
      );
    }
    if (preconditions?.resourceVersion && preconditions.resourceVersion !== live.metadata.resourceVersion) {
      throw conflict(
        subjectOf(info, name),
        `Precondition failed: ResourceVersion in precondition: ${preconditions.resourceVersion}, ResourceVersion in ` +
          `object meta: ${live.metadata.resourceVersion}`,
      );
    }
    const policy = options.propagationPolicy ?? (options.orphanDependents === true ? "Orphan" : "Background");
    const finalizers = new Set(live.metadata.finalizers ?? []);
    if (policy === "Orphan") finalizers.add("orphan");
    if (policy === "Foreground") finalizers.add("foregroundDeletion");
    const blockedBySpec = info.kind === "Namespace" && info.builtin;
    const grace = gracefulDeletionSeconds(info, live, options.gracePeriodSeconds);
    if (finalizers.size === 0 && !blockedBySpec && grace === 0) {
      if (dryRun) return { type: "deleted", object: live };
      const change = this.#commit(info, "DELETED", live, live);
      return { type: "deleted", object: present(info, change.object) };
    }
    const next = cloneJson(live);
    next.metadata.finalizers = [...finalizers];
    if (next.metadata.finalizers.length === 0) delete next.metadata.finalizers;
    const shortened = grace < (live.metadata.deletionGracePeriodSeconds ?? 0);
    if (!next.metadata.deletionTimestamp || shortened) {
      if (!next.metadata.deletionTimestamp && next.metadata.generation !== undefined) next.metadata.generation += 1;
      next.metadata.deletionTimestamp = kubeTime(new Date(this.#clock().getTime() + grace * 1000));
      next.metadata.deletionGracePeriodSeconds = grace;
      if (blockedBySpec) next.status = { phase: "Terminating" };
    }
    if (jsonEqual(next, live) || dryRun) return { type: "terminating", object: dryRun ? next : live };
    const change = this.#commit(info, "MODIFIED", next, live);
    return { type: "terminating", object: present(info, change.object) };
  }

  /**
   * A write by devcluster's own controllers (garbage collector, namespace and CRD cleanup):
   * `mutate` edits a copy of the live object; an emptied finalizer list on a terminating object deletes it.
   */
  mutateInternally(info: ResourceInfo, key: ObjectKey, mutate: (object: KubeObject) => void): void {
    const live = this.#store.get(key);
    if (!live) return;
    const next = cloneJson(live);
    mutate(next);
    this.#finish(
      info,
      live,
      next,
      { dryRun: false, defaultManager: devclusterManager, fieldValidation: "Ignore" },
      "Update",
      undefined,
      [],
    );
  }

  /** Deletes an object outright, as the garbage collector does once its finalizers allow. */
  deleteInternally(
    info: ResourceInfo,
    key: ObjectKey,
    propagationPolicy: DeleteOptions["propagationPolicy"] = "Background",
  ): void {
    const live = this.#store.get(key);
    if (!live || live.metadata.deletionTimestamp) return;
    this.delete(info, key.namespace || undefined, key.name, { propagationPolicy }, false);
  }

  /** Removes an object whose cleanup is done (a namespace once empty), whatever blocks it. */
  finalizeInternally(info: ResourceInfo, key: ObjectKey): void {
    const live = this.#store.get(key);
    if (live) this.#commit(info, "DELETED", live, live);
  }

  #create(
    info: ResourceInfo,
    namespace: string | undefined,
    input: KubeObject,
    context: WriteContext,
    operation: "Update" | "Apply",
  ): WriteResult {
    const object = cloneJson(input);
    const metadata = object.metadata;
    for (const field of [
      "uid",
      "resourceVersion",
      "creationTimestamp",
      "deletionTimestamp",
      "deletionGracePeriodSeconds",
      "generation",
      "selfLink",
    ])
      delete metadata[field];
    if (operation === "Update") delete metadata.managedFields;
    if (info.namespaced) metadata.namespace = namespace;
    else delete metadata.namespace;
    if (!metadata.name) {
      if (!metadata.generateName) {
        throw invalid(info.kind, info.group, "", [
          {
            field: "metadata.name",
            reason: "FieldValueRequired",
            message: "Required value: name or generateName is required",
          },
        ]);
      }
      metadata.name = this.#generateName(info, namespace, metadata.generateName);
    }
    const name = metadata.name;
    const nameCauses = validateObjectName(name);
    if (nameCauses.length > 0) throw invalid(info.kind, info.group, name, nameCauses);
    const existing = this.find(info, namespace, name);
    if (existing) {
      if (existing.metadata.deletionTimestamp) {
        throw new ApiError(
          409,
          "AlreadyExists",
          `object is being deleted: ${alreadyExists(subjectOf(info, name)).message}`,
          { name, group: info.group, kind: info.plural },
        );
      }
      throw alreadyExists(subjectOf(info, name));
    }
    if (info.namespaced) this.#requireNamespace(namespace ?? "");
    const now = this.#clock();
    if (info.subresources.status) delete object.status;
    prepareForCreate(info, object, now);
    const warnings: string[] = [];
    const admitted = this.#admit(info, object, context, warnings, undefined);
    admitted.metadata.uid = randomUUID();
    admitted.metadata.creationTimestamp = kubeTime(now);
    if (hasGeneration(info)) admitted.metadata.generation = 1;
    const recorded =
      operation === "Apply"
        ? admitted
        : recordUpdateManager({
            before: undefined,
            after: admitted,
            manager: context.fieldManager ?? context.defaultManager,
            operation: "Update",
            now: kubeTime(now),
            ...schemaOf(info),
          });
    if (context.dryRun) return { object: present(info, recorded), warnings, code: 201 };
    const change = this.#commit(info, "ADDED", recorded, undefined);
    return resultOf(info, change, warnings, 201);
  }

  #update(
    info: ResourceInfo,
    live: KubeObject,
    input: KubeObject,
    context: WriteContext,
    subresource: "status" | undefined,
    operation: "Update" | "Apply",
  ): WriteResult {
    // A copy this write owns: the status from the request and the rest from the live object
    // (a status write), or the reverse under a status subresource; each part is copied once.
    const statusFromLive = subresource !== "status" && info.subresources.status !== undefined;
    const base = subresource === "status" ? live : input;
    const next = cloneJson({
      ...base,
      metadata: undefined,
      ...(subresource === "status" || statusFromLive ? { status: undefined } : {}),
    }) as unknown as KubeObject;
    if (subresource === "status") next.status = cloneJson(input.status);
    if (statusFromLive) next.status = cloneJson(live.status);
    if (next.status === undefined) delete next.status;
    const keep = live.metadata;
    next.metadata = {
      ...cloneJson(base.metadata),
      name: keep.name,
      uid: keep.uid,
      creationTimestamp: keep.creationTimestamp,
      resourceVersion: keep.resourceVersion,
      ...(keep.namespace !== undefined ? { namespace: keep.namespace } : {}),
      ...(keep.generation !== undefined ? { generation: keep.generation } : {}),
      ...(keep.deletionTimestamp !== undefined
        ? { deletionTimestamp: keep.deletionTimestamp, deletionGracePeriodSeconds: keep.deletionGracePeriodSeconds }
        : {}),
      ...(operation === "Update" && keep.managedFields !== undefined ? { managedFields: keep.managedFields } : {}),
    };
    if (next.metadata.namespace === undefined) delete next.metadata.namespace;
    if (next.metadata.generation === undefined) delete next.metadata.generation;
    if (keep.deletionTimestamp) {
      const added = (next.metadata.finalizers ?? []).filter(
        (finalizer) => !(keep.finalizers ?? []).includes(finalizer),
      );
      if (added.length > 0) {
        throw invalid(info.kind, info.group, keep.name ?? "", [
          {
            field: "metadata.finalizers",
            reason: "FieldValueForbidden",
            message:
              `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers ` +
              `[]string{${added.map((f) => JSON.stringify(f)).join(", ")}}`,
          },
        ]);
      }
    }
    const warnings: string[] = [];
    prepareForUpdate(info, live, next, this.#clock());
    const admitted = this.#admit(info, next, context, warnings, live);
    return this.#finish(info, live, admitted, context, operation, subresource, warnings);
  }

  #finish(
    info: ResourceInfo,
    live: KubeObject,
    next: KubeObject,
    context: WriteContext,
    operation: "Update" | "Apply",
    subresource: string | undefined,
    warnings: string[],
  ): WriteResult {
    if (next.metadata.finalizers?.length === 0) delete next.metadata.finalizers;
    const generation = nextGeneration(info, live, next);
    if (generation !== undefined) next.metadata.generation = generation;
    // An apply that only changes field ownership is a change (its manager now owns the fields); timestamps alone are
    // not.
    const ownership = (object: KubeObject) =>
      operation === "Apply"
        ? object.metadata.managedFields?.map((entry) => ({ ...entry, time: undefined }))
        : undefined;
    const unchanged = jsonEqual(
      { ...next, metadata: { ...next.metadata, managedFields: ownership(next) } },
      { ...live, metadata: { ...live.metadata, managedFields: ownership(live) } },
    );
    if (unchanged) return { object: present(info, live), warnings, code: 200 };
    const now = kubeTime(this.#clock());
    const recorded =
      operation === "Apply"
        ? next
        : recordUpdateManager({
            before: live,
            after: next,
            manager: context.fieldManager ?? context.defaultManager,
            operation: "Update",
            now,
            ...(subresource ? { subresource } : {}),
            ...schemaOf(info),
          });
    if (context.dryRun) return { object: present(info, recorded), warnings, code: 200 };
    const finalized =
      recorded.metadata.deletionTimestamp &&
      (recorded.metadata.finalizers ?? []).length === 0 &&
      !(info.builtin && info.kind === "Namespace");
    const change = this.#commit(info, finalized ? "DELETED" : "MODIFIED", recorded, live);
    return resultOf(info, change, warnings, 200);
  }

  /** Admits `object` in place; `live`, when given and written under the current schema, spares its unchanged parts. */
  #admit(
    info: ResourceInfo,
    object: KubeObject,
    context: WriteContext,
    warnings: string[],
    live: KubeObject | undefined,
  ): KubeObject {
    // Built-in kinds are checked against their OpenAPI schema too (kube decodes them into typed structs:
    // unknown fields are dropped or, under Strict, refused); a CRD's own content is left alone.
    if (!info.schema || (info.builtin && info.kind === "CustomResourceDefinition")) return object;
    const previous = live && Number(live.metadata.resourceVersion) > (info.schemaRevision ?? 0) ? live : undefined;
    const { object: admitted, unknownFields } = admitBuiltinOrCustom(
      info,
      object,
      context.fieldValidation === "Strict",
      previous,
    );
    if (unknownFields.length > 0) {
      const described = unknownFields.map((field) => `unknown field "${field}"`);
      if (context.fieldValidation === "Strict") {
        throw badRequest(
          `${info.kind} in version "${info.version}" cannot be handled as a ${info.kind}: strict decoding ` +
            `error: ${described.join(", ")}`,
        );
      }
      if (context.fieldValidation === "Warn") warnings.push(...described);
    }
    return admitted;
  }

  #generateName(info: ResourceInfo, namespace: string | undefined, prefix: string): string {
    const base = prefix.slice(0, 58);
    for (;;) {
      let suffix = "";
      for (let index = 0; index < 5; index++)
        suffix += generateNameAlphabet[Math.floor(Math.random() * generateNameAlphabet.length)];
      if (!this.#store.get(this.key(info, namespace, base + suffix))) return base + suffix;
    }
  }

  #requireNamespace(namespace: string): void {
    const found = this.#store.get({ resource: namespaceResource, namespace: "", name: namespace });
    if (!found) throw notFound({ group: "", plural: "namespaces", name: namespace });
    if (found.metadata.deletionTimestamp) {
      throw new ApiError(
        403,
        "Forbidden",
        `unable to create new content in namespace ${namespace} because it is being terminated`,
        { name: namespace, kind: "namespaces" },
      );
    }
  }

  #commit(info: ResourceInfo, type: Change["type"], object: KubeObject, previous: KubeObject | undefined): Change {
    const key = this.key(info, object.metadata.namespace, object.metadata.name ?? "");
    const change = this.#store.commit(type, key, object, previous, this.#clock());
    this.#feed.publish(change);
    this.#afterCommit(change);
    return change;
  }
}
