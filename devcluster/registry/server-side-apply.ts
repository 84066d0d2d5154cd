// Server-side apply and field ownership (`metadata.managedFields`), as kube-apiserver tracks them.
import { isDeepStrictEqual } from "node:util";
import { ApiError, type StatusCause } from "./api-error.ts";
import {
  childSchema,
  deleteAt,
  fieldChanges,
  FieldSet,
  fieldSetOf,
  formatFieldPath,
  itemKey,
  listTypeOf,
  valueAt,
  type FieldPath,
  type ListContext,
} from "./field-set.ts";
import { cloneJson, isObject, type JsonMap } from "./json-value.ts";
import type { JSONSchemaProps, KubeObject, ManagedFieldsEntry } from "./resource-info.ts";

export interface ServerSideApplyOptions {
  /** The stored object; undefined when the apply creates it. */
  live: KubeObject | undefined;
  /** The applied configuration (the request body). */
  applied: KubeObject;
  manager: string;
  /** `force=true`: take ownership of conflicting fields instead of failing. */
  force: boolean;
  /** RFC 3339 time recorded in the manager's entry. */
  now: string;
  subresource?: string;
  /** The CRD schema, for `x-kubernetes-list-type`; built-in kinds use the list-key table. */
  schema?: JSONSchemaProps;
  /**
   * Top-level fields this write may not set, so the applier neither owns nor conflicts on them:
   * `["status"]` for the main resource of a kind with a status subresource. Default: `["status"]`
   * when the live object's status was written through `/status`, else none.
   */
  resetFields?: readonly string[];
}

export interface RecordUpdateOptions {
  /** The object before the write; undefined on create. */
  before: KubeObject | undefined;
  after: KubeObject;
  manager: string;
  operation: "Update";
  now: string;
  subresource?: string;
  schema?: JSONSchemaProps;
}

interface Manager {
  entry: ManagedFieldsEntry;
  fields: FieldSet;
  /** How many fields `entry.fieldsV1` holds: while `fields` keeps them all, the entry can be written back as it is. */
  stored: number;
}

function managersOf(object: KubeObject | undefined): Manager[] {
  return (object?.metadata.managedFields ?? []).map((entry) => {
    const fields = FieldSet.fromFieldsV1(entry.fieldsV1);
    return { entry, fields, stored: fields.size };
  });
}

function sameManager(
  entry: ManagedFieldsEntry,
  manager: string,
  operation: "Apply" | "Update",
  subresource: string | undefined,
): boolean {
  return (
    entry.manager === manager && entry.operation === operation && (entry.subresource ?? "") === (subresource ?? "")
  );
}

/**
 * Whether `fields` are exactly those `manager`'s stored entry lists (fields are only ever removed from a manager's
 * set).
 */
function keepsStoredFields(manager: Manager, fields: FieldSet): boolean {
  return (
    manager.entry.fieldsType === "FieldsV1" &&
    fields.size === manager.stored &&
    manager.fields.paths().every((path) => fields.has(path))
  );
}

function entryOf(manager: Manager): ManagedFieldsEntry {
  if (keepsStoredFields(manager, manager.fields)) return manager.entry;
  return { ...manager.entry, fieldsType: "FieldsV1", fieldsV1: manager.fields.toFieldsV1() };
}

/**
 * Replaces (or adds) the acting manager's entry and drops managers left with no fields. Entries
 * whose fields did not change are written back as they are (`previous`: the acting manager's old entry).
 */
function withManagers(
  object: KubeObject,
  others: Manager[],
  own: ManagedFieldsEntry,
  ownFields: FieldSet,
  previous?: Manager,
): KubeObject {
  const entries = others.filter((other) => other.fields.size > 0).map(entryOf);
  if (ownFields.size > 0)
    entries.push({
      ...own,
      fieldsType: "FieldsV1",
      fieldsV1: previous && keepsStoredFields(previous, ownFields) ? previous.entry.fieldsV1! : ownFields.toFieldsV1(),
    });
  const metadata = { ...object.metadata };
  if (entries.length > 0) metadata.managedFields = entries;
  else delete metadata.managedFields;
  return { ...object, metadata };
}

/** Only the fields a write may own: `.status` through the status subresource, else all but the reset ones. */
function scopedFields(
  object: KubeObject,
  subresource: string | undefined,
  resetFields: readonly string[],
  context: ListContext,
): FieldSet {
  const all = fieldSetOf(object, context).paths();
  if (subresource === "status") return FieldSet.of(all.filter((path) => path[0] === "f:status"));
  return FieldSet.of(all.filter((path) => !resetFields.includes(path[0]!.slice(2))));
}

function isLeafOrAtomic(value: unknown): boolean {
  return !isObject(value) || Object.keys(value).length === 0;
}

function mergeValue(
  live: unknown,
  applied: unknown,
  schema: JSONSchemaProps | undefined,
  field: string,
  kind: string,
): unknown {
  if (isObject(applied) && isObject(live)) {
    const result: JsonMap = { ...live };
    for (const [key, value] of Object.entries(applied))
      result[key] = mergeValue(live[key], value, childSchema(schema, key), key, kind);
    return result;
  }
  if (!Array.isArray(applied) || !Array.isArray(live)) return cloneJson(applied);
  const listType = listTypeOf(schema, kind, field);
  if (listType === "atomic") return cloneJson(applied);
  if (listType === "set")
    return [...live, ...applied.filter((item) => !live.some((existing) => isDeepStrictEqual(existing, item)))];
  return mergeKeyedList(
    live,
    applied,
    (item) => itemKey(item, listType.keys),
    (liveItem, appliedItem) => mergeValue(liveItem, appliedItem, schema?.items, "", kind),
  );
}

/**
 * Merges keyed lists in structured-merge-diff's order: items only in the live list keep their
 * places, shared and new items follow the applied order.
 */
function mergeKeyedList(
  live: unknown[],
  applied: unknown[],
  keyOf: (item: unknown) => string,
  merge: (live: unknown, applied: unknown) => unknown,
): unknown[] {
  const lhs = live.map(keyOf);
  const rhs = applied.map(keyOf);
  const liveByKey = new Map(live.map((item, index) => [lhs[index]!, item]));
  const appliedByKey = new Map(applied.map((item, index) => [rhs[index]!, item]));
  const sharedOrder = rhs.filter((key) => liveByKey.has(key));
  let nextShared = sharedOrder.shift();
  const mergedKeys = new Set<string>();
  const out: unknown[] = [];
  const takeApplied = (key: string): void => {
    mergedKeys.add(key);
    out.push(merge(liveByKey.get(key), appliedByKey.get(key)));
  };
  let l = 0;
  let r = 0;
  while (l < lhs.length || r < rhs.length) {
    if (l < lhs.length && r < rhs.length) {
      if (lhs[l] === rhs[r]) {
        takeApplied(lhs[l]!);
        l++;
        r++;
        nextShared = sharedOrder.shift();
        continue;
      }
      if (appliedByKey.has(lhs[l]!) && nextShared !== undefined && nextShared !== lhs[l]) {
        l++;
        continue;
      }
    }
    if (l < lhs.length) {
      if (!appliedByKey.has(lhs[l]!)) {
        out.push(liveByKey.get(lhs[l]!));
        l++;
        continue;
      }
      if (mergedKeys.has(lhs[l]!)) {
        l++;
        continue;
      }
    }
    if (r < rhs.length) {
      const key = rhs[r]!;
      takeApplied(key);
      r++;
      if (nextShared === key) nextShared = sharedOrder.shift();
    }
  }
  return out;
}

/**
 * How kube-apiserver names a manager in conflicts: `"kubectl"`, or `"x" with subresource "status" using v1` for
 * updaters.
 */
function describeManager(entry: ManagedFieldsEntry): string {
  const subresource = entry.subresource ? ` with subresource "${entry.subresource}"` : "";
  const using = entry.operation === "Update" ? ` using ${entry.apiVersion ?? ""}` : "";
  return `"${entry.manager ?? ""}"${subresource}${using}`;
}

function conflictError(conflicts: { manager: ManagedFieldsEntry; path: FieldPath }[]): ApiError {
  const causes: StatusCause[] = conflicts.map(({ manager, path }) => ({
    reason: "FieldManagerConflict",
    message: `conflict with ${describeManager(manager)}`,
    field: formatFieldPath(path),
  }));
  if (conflicts.length === 1) {
    const [only] = conflicts;
    return new ApiError(
      409,
      "Conflict",
      `Apply failed with 1 conflict: conflict with ${describeManager(only!.manager)}: ${formatFieldPath(only!.path)}`,
      { causes },
    );
  }
  const byManager = new Map<string, string[]>();
  for (const { manager, path } of conflicts)
    byManager.set(describeManager(manager), [
      ...(byManager.get(describeManager(manager)) ?? []),
      formatFieldPath(path),
    ]);
  const lines = [...byManager]
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([manager, paths]) => [`conflicts with ${manager}:`, ...paths.map((path) => `- ${path}`)]);
  return new ApiError(409, "Conflict", `Apply failed with ${conflicts.length} conflicts: ${lines.join("\n")}`, {
    causes,
  });
}

/**
 * Merges an applied configuration into the live object and records the manager's ownership.
 * Fields another manager owns with a different value are a 409 Conflict unless `force` moves
 * them; fields this manager applied before and no longer applies are removed unless another
 * manager owns them. Inputs are not mutated.
 */
export function serverSideApply({
  live,
  applied,
  manager,
  force,
  now,
  subresource,
  schema,
  resetFields,
}: ServerSideApplyOptions): KubeObject {
  const context: ListContext = { kind: applied.kind, schema };
  const statusWritten = (live?.metadata.managedFields ?? []).some((entry) => entry.subresource === "status");
  const reset = resetFields ?? (statusWritten && subresource === undefined ? ["status"] : []);
  const appliedFields = scopedFields(applied, subresource, reset, context);
  const managers = managersOf(live);
  const previous = managers.find((candidate) => sameManager(candidate.entry, manager, "Apply", subresource));
  const others = managers.filter((candidate) => candidate !== previous);
  const conflicts: { manager: ManagedFieldsEntry; path: FieldPath }[] = [];
  for (const other of others) {
    for (const path of other.fields.intersection(appliedFields).paths()) {
      const theirs = valueAt(live, path);
      const ours = valueAt(applied, path);
      if (isLeafOrAtomic(ours) && !isDeepStrictEqual(theirs, ours)) conflicts.push({ manager: other.entry, path });
    }
  }
  if (conflicts.length > 0 && !force) throw conflictError(conflicts);
  for (const { manager: owner, path } of conflicts) others.find((other) => other.entry === owner)?.fields.delete(path);

  const appliedBody: JsonMap = { ...applied };
  delete appliedBody.apiVersion;
  delete appliedBody.kind;
  if (subresource === "status")
    for (const key of Object.keys(appliedBody)) if (key !== "status" && key !== "metadata") delete appliedBody[key];
  for (const key of reset) delete appliedBody[key];
  const base: KubeObject = live
    ? cloneJson(live)
    : { apiVersion: applied.apiVersion, kind: applied.kind, metadata: {} };
  const merged = mergeValue(base, appliedBody, schema, "", applied.kind) as KubeObject;
  merged.apiVersion = applied.apiVersion;
  merged.kind = applied.kind;

  const removed = (previous?.fields ?? new FieldSet()).difference(appliedFields).paths();
  removed.sort((a, b) => a.length - b.length);
  for (const path of removed) {
    if (!others.some((other) => other.fields.hasUnder(path))) deleteAt(merged, path);
  }
  const entry: ManagedFieldsEntry = {
    manager,
    operation: "Apply",
    apiVersion: applied.apiVersion,
    time: now,
    ...(subresource ? { subresource } : {}),
  };
  return withManagers(merged, others, entry, appliedFields);
}

/**
 * Records a create, update or patch by `manager`: it owns the fields it set or changed, which
 * other managers lose; fields the write removed leave every manager. Returns `after` with new
 * managedFields; inputs are not mutated.
 */
export function recordUpdateManager({
  before,
  after,
  manager,
  operation,
  now,
  subresource,
  schema,
}: RecordUpdateOptions): KubeObject {
  const { fields: afterFields, changed } = fieldChanges(before, after, { kind: after.kind, schema });
  const managers = managersOf(after.metadata.managedFields ? after : before);
  const previous = managers.find((candidate) => sameManager(candidate.entry, manager, operation, subresource));
  const others = managers.filter((candidate) => candidate !== previous);
  for (const other of others) {
    for (const path of other.fields.paths()) if (changed.has(path) || !afterFields.has(path)) other.fields.delete(path);
  }
  const ownFields = FieldSet.of([
    ...(previous?.fields.paths() ?? []).filter((path) => afterFields.has(path)),
    ...changed.paths(),
  ]);
  const entry: ManagedFieldsEntry = {
    manager,
    operation,
    apiVersion: after.apiVersion,
    time: now,
    ...(subresource ? { subresource } : {}),
  };
  return withManagers(after, others, entry, ownFields, previous);
}
