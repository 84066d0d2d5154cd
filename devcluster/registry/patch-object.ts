// Applies a JSON, merge or strategic merge patch to a live object, by the request's Content-Type.
import { unsupportedMediaType } from "./api-error.ts";
import { applyJsonPatch } from "./json-patch.ts";
import { applyMergePatch } from "./merge-patch.ts";
import type { KubeObject, ResourceInfo } from "./resource-info.ts";
import { applyStrategicMergePatch } from "./strategic-merge-patch.ts";

export type PatchType = "json" | "merge" | "strategic" | "apply";

export interface PatchRequest {
  type: PatchType;
  contentType: string;
  body: unknown;
  force: boolean;
}

const patchTypes: Record<string, PatchType> = {
  "application/json-patch+json": "json",
  "application/merge-patch+json": "merge",
  "application/strategic-merge-patch+json": "strategic",
  "application/apply-patch+yaml": "apply",
  "application/apply-patch+json": "apply",
};

const customResourcePatchTypes =
  "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml";
const builtinPatchTypes = `${customResourcePatchTypes}, application/strategic-merge-patch+json`;

/** The patch type of a Content-Type (parameters ignored); 415 when it is none. */
export function patchTypeOf(contentType: string, info: ResourceInfo): PatchType {
  const type = patchTypes[contentType.split(";")[0]!.trim().toLowerCase()];
  if (type === undefined || (type === "strategic" && !info.builtin)) {
    throw unsupportedMediaType(contentType, info.builtin ? builtinPatchTypes : customResourcePatchTypes);
  }
  return type;
}

/** `live` with a JSON, merge or strategic patch applied; the patch modules throw 400/422 on bad patches. */
export function patchObject(
  info: ResourceInfo,
  live: KubeObject,
  type: Exclude<PatchType, "apply">,
  body: unknown,
): KubeObject {
  switch (type) {
    case "json":
      return applyJsonPatch(live, body) as KubeObject;
    case "merge":
      return applyMergePatch(live, body) as KubeObject;
    case "strategic":
      return applyStrategicMergePatch(live, body, info.kind) as KubeObject;
  }
}
