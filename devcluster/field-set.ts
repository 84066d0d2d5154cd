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
const unownedMetadata = new Set(["name", "namespace", "generateName", "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields", "selfLink"]);

export class FieldSet {
  readonly #paths = new Map<string, FieldPath>();

  static of(paths: Iterable<FieldPath>): FieldSet {
    const set = new FieldSet();
    for (const path of paths) set.add(path);
    return set;
  }

  add(path: FieldPath): void {
    this.#paths.set(JSON.stringify(path), path);
  }

  has(path: FieldPath): boolean {
    return this.#paths.has(JSON.stringify(path));
  }

  delete(path: FieldPath): void {
    this.#paths.delete(JSON.stringify(path));
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

/**
 * The fields an object sets: every leaf (scalar, atomic list, empty map), every keyed list item
 * and every set value. Identity and server-set metadata are left out.
 */
export function fieldSetOf(object: unknown, context: ListContext): FieldSet {
  const set = new FieldSet();
  const visitMap = (value: JsonMap, schema: JSONSchemaProps | undefined, path: FieldPath): void => {
    const isMetadata = path.length === 1 && path[0] === "f:metadata";
    const keys = Object.keys(value).filter((key) => !(isMetadata && unownedMetadata.has(key)));
    if (Object.keys(value).length === 0 && path.length > 0 && !isMetadata) set.add(path);
    for (const key of keys) visit(value[key], childSchema(schema, key), key, [...path, `f:${key}`]);
  };
  const visit = (value: unknown, schema: JSONSchemaProps | undefined, field: string, path: FieldPath): void => {
    if (isObject(value)) return visitMap(value, schema, path);
    if (!Array.isArray(value)) return set.add(path);
    const listType = listTypeOf(schema, context.kind, field);
    if (listType === "atomic") return set.add(path);
    for (const item of value) {
      if (listType === "set") {
        set.add([...path, `v:${JSON.stringify(item)}`]);
      } else {
        const itemPath = [...path, itemKey(item, listType.keys)];
        set.add(itemPath);
        if (isObject(item)) visitMap(item, schema?.items, itemPath);
      }
    }
  };
  if (isObject(object)) {
    const { apiVersion: _apiVersion, kind: _kind, ...fields } = object;
    visitMap(fields, context.schema, []);
  }
  return set;
}

function listItemIndex(list: unknown[], element: PathElement): number {
  if (element.startsWith("v:")) {
    const wanted = JSON.parse(element.slice(2)) as unknown;
    return list.findIndex((item) => isDeepStrictEqual(item, wanted));
  }
  if (element.startsWith("i:")) return Number(element.slice(2));
  const wanted = JSON.parse(element.slice(2)) as JsonMap;
  return list.findIndex((item) => isObject(item) && Object.entries(wanted).every(([key, value]) => isDeepStrictEqual(item[key], value)));
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
      return `[${Object.entries(JSON.parse(body) as JsonMap).map(([key, value]) => `${key}=${JSON.stringify(value)}`).join(",")}]`;
    })
    .join("");
}
