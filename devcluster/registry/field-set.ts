// Sets of field paths, as server-side apply tracks ownership, and their `FieldsV1` wire form.
import { isDeepStrictEqual } from "node:util";
import { isObject, type JsonMap } from "./json-value.ts";
import { listMergeKey } from "./list-merge-key.ts";
import type { JSONSchemaProps } from "./resource-info.ts";

/** One step of a path: `f:<field>`, `k:<json of the item's keys>`, `v:<json value>` (set item) or `i:<index>`. */
export type PathElement = string;
export type FieldPath = PathElement[];

/** How a list is merged and owned: per item by key fields, per value as a set, or as one atomic value. */
export type ListType = { keys: string[] } | "set" | "atomic";

/** Where list types come from: the CRD schema's `x-kubernetes-list-*`, else the built-in list-key table. */
export interface ListContext {
  kind: string;
  schema: JSONSchemaProps | undefined;
}

export function childSchema(schema: JSONSchemaProps | undefined, field: string): JSONSchemaProps | undefined {
  if (!schema) return undefined;
  if (schema.properties && Object.hasOwn(schema.properties, field)) return schema.properties[field];
  return typeof schema.additionalProperties === "object" ? schema.additionalProperties : undefined;
}

export function listTypeOf(schema: JSONSchemaProps | undefined, kind: string, field: string): ListType {
  const declared = schema?.["x-kubernetes-list-type"];
  if (declared === "map") return { keys: schema?.["x-kubernetes-list-map-keys"] ?? [] };
  if (declared === "set") return "set";
  if (declared === "atomic") return "atomic";
  const builtin = listMergeKey(kind, field);
  if (builtin === "set") return "set";
  return builtin ? { keys: [builtin.key] } : "atomic";
}

export function itemKey(item: unknown, keys: string[]): string {
  const key: JsonMap = {};
  for (const name of [...keys].sort()) if (isObject(item) && item[name] !== undefined) key[name] = item[name];
  return `k:${JSON.stringify(key)}`;
}

/** Fields that no manager owns: identity and server-set metadata. */
const unownedMetadata = new Set([
  "name",
  "namespace",
  "generateName",
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
  "managedFields",
  "selfLink",
]);

/** A path as one string, unambiguous whatever its elements hold (each is prefixed with its length). */
function pathKey(path: FieldPath): string {
  let key = "";
  for (const element of path) key += `${element.length}:${element}`;
  return key;
}

export class FieldSet {
  readonly #paths = new Map<string, FieldPath>();

  static of(paths: Iterable<FieldPath>): FieldSet {
    const set = new FieldSet();
    for (const path of paths) set.add(path);
    return set;
  }

  add(path: FieldPath): void {
    this.#paths.set(pathKey(path), path);
  }

  has(path: FieldPath): boolean {
    return this.#paths.has(pathKey(path));
  }

  delete(path: FieldPath): void {
    this.#paths.delete(pathKey(path));
  }

  /** True when the set holds `prefix` or any path below it. */
  hasUnder(prefix: FieldPath): boolean {
    for (const path of this.#paths.values()) if (prefix.every((element, index) => path[index] === element)) return true;
    return false;
  }

  get size(): number {
    return this.#paths.size;
  }

  paths(): FieldPath[] {
    return [...this.#paths.values()];
  }

  difference(other: FieldSet): FieldSet {
    return FieldSet.of(this.paths().filter((path) => !other.has(path)));
  }

  intersection(other: FieldSet): FieldSet {
    return FieldSet.of(this.paths().filter((path) => other.has(path)));
  }

  /** The `FieldsV1` tree: `{"f:spec": {"f:replicas": {}}}`; `"."` marks a member that also has children. */
  toFieldsV1(): JsonMap {
    const root: JsonMap = {};
    for (const path of this.#paths.values()) {
      let node = root;
      for (const element of path) node = (node[element] ??= {}) as JsonMap;
      node["."] = {};
    }
    const tidy = (node: JsonMap): JsonMap => {
      const keys = Object.keys(node);
      if (keys.length === 1 && keys[0] === ".") return {};
      const result: JsonMap = {};
      for (const key of keys.sort()) result[key] = tidy(node[key] as JsonMap);
      return result;
    };
    return tidy(root);
  }

  static fromFieldsV1(fields: unknown): FieldSet {
    const set = new FieldSet();
    const visit = (node: unknown, path: FieldPath): void => {
      if (!isObject(node)) return;
      const keys = Object.keys(node);
      if (path.length > 0 && (keys.length === 0 || keys.includes("."))) set.add(path);
      for (const key of keys) if (key !== ".") visit(node[key], [...path, key]);
    };
    visit(fields, []);
    return set;
  }
}

/** What a walk of `before` has at the path the walk of `after` is at: nothing, or the value there. */
type Before = { value: unknown } | undefined;

/** The before-value of a keyed or set list's items, found by their path element. */
function listItemsByElement(before: Before, element: (item: unknown) => string): Map<string, unknown> | undefined {
  if (!before || !Array.isArray(before.value)) return undefined;
  const items = new Map<string, unknown>();
  for (const item of before.value) {
    const key = element(item);
    if (!items.has(key)) items.set(key, item);
  }
  return items;
}

/**
 * Walks the fields `after` sets (see `fieldSetOf`), calling `visit` with each path and whether
 * `before` lacks it or holds another value there (`valueAt(before, path)`), in one pass over both.
 */
function walkFields(
  after: unknown,
  before: Before,
  context: ListContext,
  visit: (path: FieldPath, changed: boolean) => void,
): void {
  const leaf = (value: unknown, old: Before, path: FieldPath) =>
    visit(path, !old || !isDeepStrictEqual(old.value, value));
  const visitMap = (value: JsonMap, old: Before, schema: JSONSchemaProps | undefined, path: FieldPath): void => {
    const isMetadata = path.length === 1 && path[0] === "f:metadata";
    const keys = Object.keys(value);
    if (keys.length === 0 && path.length > 0 && !isMetadata) leaf(value, old, path);
    const oldMap = old && isObject(old.value) ? old.value : undefined;
    for (const key of keys) {
      if (isMetadata && unownedMetadata.has(key)) continue;
      const child = value[key];
      visitValue(
        child,
        oldMap && Object.hasOwn(oldMap, key) ? { value: oldMap[key] } : undefined,
        childSchema(schema, key),
        key,
        [...path, `f:${key}`],
      );
    }
  };
  const visitValue = (
    value: unknown,
    old: Before,
    schema: JSONSchemaProps | undefined,
    field: string,
    path: FieldPath,
  ): void => {
    if (isObject(value)) return visitMap(value, old, schema, path);
    if (!Array.isArray(value)) return leaf(value, old, path);
    const listType = listTypeOf(schema, context.kind, field);
    if (listType === "atomic") return leaf(value, old, path);
    if (listType === "set") {
      const oldItems = listItemsByElement(old, (item) => `v:${JSON.stringify(item)}`);
      for (const item of value) {
        const element = `v:${JSON.stringify(item)}`;
        visit([...path, element], !oldItems?.has(element));
      }
      return;
    }
    const oldItems = listItemsByElement(old, (item) => itemKey(item, listType.keys));
    for (const item of value) {
      const element = itemKey(item, listType.keys);
      const itemPath = [...path, element];
      const oldItem: Before = oldItems?.has(element) ? { value: oldItems.get(element) } : undefined;
      leaf(item, oldItem, itemPath);
      if (isObject(item)) visitMap(item, oldItem, schema?.items, itemPath);
    }
  };
  if (isObject(after)) {
    const { apiVersion: _apiVersion, kind: _kind, ...fields } = after;
    visitMap(fields, before && isObject(before.value) ? before : undefined, context.schema, []);
  }
}

/**
 * The fields an object sets: every leaf (scalar, atomic list, empty map), every keyed list item
 * and every set value. Identity and server-set metadata are left out.
 */
export function fieldSetOf(object: unknown, context: ListContext): FieldSet {
  const set = new FieldSet();
  walkFields(object, undefined, context, (path) => set.add(path));
  return set;
}

/** The fields `after` sets, and those of them a write from `before` changed (absent before, or another value). */
export function fieldChanges(
  before: unknown,
  after: unknown,
  context: ListContext,
): { fields: FieldSet; changed: FieldSet } {
  const fields = new FieldSet();
  const changed = new FieldSet();
  walkFields(after, before === undefined ? undefined : { value: before }, context, (path, isChanged) => {
    fields.add(path);
    if (isChanged) changed.add(path);
  });
  return { fields, changed };
}

function listItemIndex(list: unknown[], element: PathElement): number {
  if (element.startsWith("v:")) {
    const wanted = JSON.parse(element.slice(2)) as unknown;
    return list.findIndex((item) => isDeepStrictEqual(item, wanted));
  }
  if (element.startsWith("i:")) return Number(element.slice(2));
  const wanted = JSON.parse(element.slice(2)) as JsonMap;
  return list.findIndex(
    (item) => isObject(item) && Object.entries(wanted).every(([key, value]) => isDeepStrictEqual(item[key], value)),
  );
}

function step(value: unknown, element: PathElement): unknown {
  if (element.startsWith("f:")) return isObject(value) ? value[element.slice(2)] : undefined;
  if (!Array.isArray(value)) return undefined;
  const index = listItemIndex(value, element);
  return index >= 0 ? value[index] : undefined;
}

/** The value at `path`, or undefined. */
export function valueAt(object: unknown, path: FieldPath): unknown {
  let current = object;
  for (const element of path) current = step(current, element);
  return current;
}

/** Removes the field or list item at `path` from `object` (in place). */
export function deleteAt(object: unknown, path: FieldPath): void {
  const parent = valueAt(object, path.slice(0, -1));
  const last = path[path.length - 1]!;
  if (last.startsWith("f:") && isObject(parent)) {
    delete parent[last.slice(2)];
  } else if (Array.isArray(parent)) {
    const index = listItemIndex(parent, last);
    if (index >= 0) parent.splice(index, 1);
  }
}

/** kube's rendering of a path in conflict messages: `.spec.containers[name="web"].image`. */
export function formatFieldPath(path: FieldPath): string {
  return path
    .map((element) => {
      const body = element.slice(2);
      if (element.startsWith("f:")) return `.${body}`;
      if (element.startsWith("v:")) return `[=${body}]`;
      if (element.startsWith("i:")) return `[${body}]`;
      return `[${Object.entries(JSON.parse(body) as JsonMap)
        .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
        .join(",")}]`;
    })
    .join("");
}
