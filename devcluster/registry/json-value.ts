// JSON values as request bodies and stored objects carry them: the object test and deep copies.

export type JsonMap = Record<string, unknown>;

/** A JSON object (not null, not an array). */
export function isObject(value: unknown): value is JsonMap {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Whether two JSON values are equal (objects by their members, whatever their order). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let index = 0; index < a.length; index++) if (!jsonEqual(a[index], b[index])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys)
    if (!Object.hasOwn(b, key) || !jsonEqual((a as JsonMap)[key], (b as JsonMap)[key])) return false;
  return true;
}

/**
 * A deep copy of a JSON value (objects, arrays, scalars), several times faster than structuredClone; `undefined`
 * members are kept.
 */
export function cloneJson<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneJson) as T;
  if (typeof value !== "object" || value === null) return value;
  const copy: JsonMap = {};
  for (const key of Object.keys(value)) copy[key] = cloneJson((value as JsonMap)[key]);
  return copy as T;
}
