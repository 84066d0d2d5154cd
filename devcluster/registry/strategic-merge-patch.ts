// Strategic merge patch for built-in kinds: what `kubectl apply` and `kubectl patch` send for Deployments.
import { isDeepStrictEqual } from "node:util";
import { badRequest } from "./api-error.ts";
import { cloneJson, isObject, type JsonMap } from "./json-value.ts";
import { listMergeKey, type ListMerge } from "./list-merge-key.ts";

const setElementOrderPrefix = "$setElementOrder/";
const deleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList/";

function stringList(value: unknown, directive: string): unknown[] {
  if (!Array.isArray(value))
    throw badRequest(`invalid strategic merge patch: ${directive} must be a list, got ${JSON.stringify(value)}`);
  return value;
}

/**
 * Orders a merged list as kube does for `$setElementOrder`: the items it names in its order, the
 * other (server-only) items in their live order, interleaved where both orders place them.
 */
function orderList(merged: unknown[], order: unknown[], live: unknown[], merge: ListMerge): unknown[] {
  const identity = (item: unknown): unknown =>
    typeof merge === "object" ? (isObject(item) ? item[merge.key] : undefined) : item;
  const indexIn = (list: unknown[], item: unknown): number =>
    list.findIndex((entry) => isDeepStrictEqual(identity(entry), identity(item)));
  const named = merged
    .filter((item) => indexIn(order, item) >= 0)
    .sort((a, b) => indexIn(order, a) - indexIn(order, b));
  const serverOnly = merged
    .filter((item) => indexIn(order, item) < 0)
    .sort((a, b) => indexIn(live, a) - indexIn(live, b));
  const result: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < named.length || j < serverOnly.length) {
    if (j >= serverOnly.length) result.push(named[i++]);
    else if (i >= named.length) result.push(serverOnly[j++]);
    else {
      const left = indexIn(live, named[i]);
      const right = indexIn(live, serverOnly[j]);
      result.push(left >= 0 && right >= 0 && left < right ? named[i++] : serverOnly[j++]);
    }
  }
  return result;
}

function mergeList(original: unknown[], patch: unknown[], merge: ListMerge, kind: string): unknown[] {
  const replaceIndex = patch.findIndex((item) => isObject(item) && item.$patch === "replace");
  if (replaceIndex >= 0)
    return mergeList(
      [],
      patch.filter((_, index) => index !== replaceIndex),
      undefined,
      kind,
    );
  if (merge === undefined) return patch.map((item) => (isObject(item) ? (mergeMap({}, item, kind) ?? {}) : item));
  if (merge === "set")
    return [
      ...original,
      ...patch.filter(
        (item, index) =>
          !original.some((existing) => isDeepStrictEqual(existing, item)) &&
          patch.findIndex((other) => isDeepStrictEqual(other, item)) === index,
      ),
    ];
  const result = [...original];
  for (const item of patch) {
    if (!isObject(item))
      throw badRequest(
        `invalid strategic merge patch: list items must be maps with the merge key "${merge.key}", ` +
          `got ${JSON.stringify(item)}`,
      );
    const keyValue = item[merge.key];
    if (keyValue === undefined)
      throw badRequest(`map: ${JSON.stringify(item)} does not contain declared merge key: ${merge.key}`);
    const index = result.findIndex(
      (existing) => isObject(existing) && isDeepStrictEqual(existing[merge.key], keyValue),
    );
    if (item.$patch === "delete") {
      if (index >= 0) result.splice(index, 1);
      continue;
    }
    const merged = mergeMap(index >= 0 ? (result[index] as JsonMap) : {}, item, kind);
    if (index < 0) result.push(merged ?? {});
    else if (merged === undefined) result.splice(index, 1);
    else result[index] = merged;
  }
  return result;
}

/** Merges `patch` into `original` (which it may change); undefined means `$patch: delete`. */
function mergeMap(original: JsonMap, patch: JsonMap, kind: string): JsonMap | undefined {
  const { $patch: directive, $retainKeys: retainKeys, ...fields } = patch;
  switch (directive) {
    case undefined:
    case "merge":
      break;
    case "replace":
      return mergeMap({}, fields, kind);
    case "delete":
      return undefined;
    default:
      throw badRequest(`Unknown patch type: ${JSON.stringify(directive)} in map: ${JSON.stringify(patch)}`);
  }
  const orders = new Map<string, { order: unknown[]; live: unknown[] }>();
  for (const [key, value] of Object.entries(fields)) {
    if (key.startsWith(setElementOrderPrefix)) {
      const field = key.slice(setElementOrderPrefix.length);
      const live = original[field];
      orders.set(field, { order: stringList(value, key), live: Array.isArray(live) ? [...live] : [] });
    } else if (key.startsWith(deleteFromPrimitiveListPrefix)) {
      const field = key.slice(deleteFromPrimitiveListPrefix.length);
      const remove = stringList(value, key);
      const current = original[field];
      if (Array.isArray(current))
        original[field] = current.filter((item) => !remove.some((gone) => isDeepStrictEqual(gone, item)));
    } else if (value === null) {
      delete original[key];
    } else if (isObject(value)) {
      const current = original[key];
      const merged = mergeMap(isObject(current) ? current : {}, value, kind);
      if (merged === undefined) delete original[key];
      else original[key] = merged;
    } else if (Array.isArray(value)) {
      const current = original[key];
      original[key] = mergeList(Array.isArray(current) ? current : [], value, listMergeKey(kind, key), kind);
    } else {
      original[key] = value;
    }
  }
  for (const [field, { order, live }] of orders) {
    const current = original[field];
    if (Array.isArray(current)) original[field] = orderList(current, order, live, listMergeKey(kind, field));
  }
  if (retainKeys !== undefined) {
    const keep = stringList(retainKeys, "$retainKeys");
    for (const key of Object.keys(original)) if (!keep.includes(key)) delete original[key];
  }
  return original;
}

/**
 * Applies a strategic merge patch to a built-in object of `kind` without mutating either input:
 * maps merge, null deletes, keyed lists (containers, env, volumes, ports, …) merge by key, and the
 * `$patch`, `$setElementOrder`, `$retainKeys` and `$deleteFromPrimitiveList` directives apply.
 */
export function applyStrategicMergePatch(target: unknown, patch: unknown, kind: string): unknown {
  if (!isObject(patch))
    throw badRequest(
      `invalid strategic merge patch for ${kind}: the patch must be a JSON object, got ${JSON.stringify(patch)}`,
    );
  const original = isObject(target) ? cloneJson(target) : {};
  return mergeMap(original, cloneJson(patch), kind) ?? {};
}
