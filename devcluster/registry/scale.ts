// The `/scale` subresource: an autoscaling/v1 Scale view of a Deployment or of a CR (through its CRD's paths).
import { invalid } from "./api-error.ts";
import { formatLabelSelector, labelSelectorFromMatch } from "./label-selector.ts";
import type { LabelSelectorMatch } from "./label-selector.ts";
import type { KubeObject, ResourceInfo, ScaleSubresource } from "./resource-info.ts";

function pathSegments(path: string): string[] {
  return path.replace(/^\./, "").split(".");
}

function readPath(object: unknown, path: string): unknown {
  let current = object;
  for (const segment of pathSegments(path)) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function writePath(object: Record<string, unknown>, path: string, value: unknown): void {
  const segments = pathSegments(path);
  let current = object;
  for (const segment of segments.slice(0, -1)) {
    const next = current[segment];
    current = (current[segment] =
      typeof next === "object" && next !== null ? { ...(next as Record<string, unknown>) } : {}) as Record<
      string,
      unknown
    >;
  }
  current[segments[segments.length - 1]!] = value;
}

function selectorOf(info: ResourceInfo, object: KubeObject, scale: ScaleSubresource): string | undefined {
  if (info.builtin && (info.kind === "Deployment" || info.kind === "ReplicaSet")) {
    const selector = (object.spec as { selector?: LabelSelectorMatch } | undefined)?.selector;
    return selector ? formatLabelSelector(labelSelectorFromMatch(selector)) : undefined;
  }
  const value = scale.labelSelectorPath ? readPath(object, scale.labelSelectorPath) : undefined;
  return typeof value === "string" ? value : undefined;
}

/** The Scale view of `object`. */
export function toScale(info: ResourceInfo, object: KubeObject): KubeObject {
  const scale = info.subresources.scale!;
  const { name, namespace, uid, resourceVersion, creationTimestamp } = object.metadata;
  const selector = selectorOf(info, object, scale);
  const statusReplicas = readPath(object, scale.statusReplicasPath);
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: { name, ...(namespace !== undefined ? { namespace } : {}), uid, resourceVersion, creationTimestamp },
    spec: { replicas: (readPath(object, scale.specReplicasPath) as number | undefined) ?? 0 },
    status: {
      replicas: typeof statusReplicas === "number" ? statusReplicas : 0,
      ...(selector !== undefined ? { selector } : {}),
    },
  };
}

/** `object` with the Scale's desired replicas written to the spec path; 422 on a bad count. */
export function applyScale(info: ResourceInfo, object: KubeObject, scale: unknown): KubeObject {
  const replicas = (scale as { spec?: { replicas?: unknown } } | undefined)?.spec?.replicas;
  const name = object.metadata.name ?? "";
  if (typeof replicas !== "number" || !Number.isInteger(replicas) || replicas < 0) {
    throw invalid("Scale", "autoscaling", name, [
      {
        field: "spec.replicas",
        reason: "FieldValueInvalid",
        message: `Invalid value: ${JSON.stringify(replicas ?? null)}: must be greater than or equal to 0`,
      },
    ]);
  }
  const next = { ...object };
  writePath(next, info.subresources.scale!.specReplicasPath, replicas);
  return next;
}
