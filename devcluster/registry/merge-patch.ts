// JSON merge patch (RFC 7386): objects merge, null deletes, everything else replaces.
import { cloneJson, isObject } from "./json-value.ts";

/** Applies `patch` to `target` without mutating either; the result shares no structure with `patch`. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return cloneJson(patch);
  const result: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}
