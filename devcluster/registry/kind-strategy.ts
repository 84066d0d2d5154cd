// Per-kind rules kube-apiserver applies on every write: defaults, validation, generation, status ownership.
import { invalid } from "./api-error.ts";
import { crdCleanupFinalizer, crdStatus, validateCrd } from "./crd-lifecycle.ts";
import { isObject, jsonEqual } from "./json-value.ts";
import { labelSelectorFromMatch, matchesLabelSelector } from "./label-selector.ts";
import type { LabelSelectorMatch } from "./label-selector.ts";
import type { KubeObject, ResourceInfo } from "./resource-info.ts";

type Json = Record<string, unknown>;

function withoutKeys(object: KubeObject, keys: string[]): Json {
  const rest: Json = { ...object };
  for (const key of keys) delete rest[key];
  return rest;
}

/** The generation an object gets when it changes from `live` to `next` (undefined: the kind has none). */
export function nextGeneration(info: ResourceInfo, live: KubeObject, next: KubeObject): number | undefined {
  const current = live.metadata.generation;
  if (current === undefined) return undefined;
  const changed = (() => {
    if (!info.builtin)
      return !jsonEqual(
        withoutKeys(live, ["metadata", ...(info.subresources.status ? ["status"] : [])]),
        withoutKeys(next, ["metadata", ...(info.subresources.status ? ["status"] : [])]),
      );
    if (info.kind === "Deployment") {
      return (
        !jsonEqual(live.spec, next.spec) || !jsonEqual(live.metadata.annotations ?? {}, next.metadata.annotations ?? {})
      );
    }
    return !jsonEqual(live.spec, next.spec);
  })();
  return changed ? current + 1 : current;
}

/** Whether new objects of this kind carry `metadata.generation`. */
export function hasGeneration(info: ResourceInfo): boolean {
  return !info.builtin || ["Deployment", "ReplicaSet", "CustomResourceDefinition"].includes(info.kind);
}

/**
 * How long a DELETE lets the object terminate (kube's graceful deletion): a Pod running on a node gets
 * the requested grace or its `terminationGracePeriodSeconds`; a Pod on no node, a finished Pod and
 * every other kind go at once.
 */
export function gracefulDeletionSeconds(info: ResourceInfo, live: KubeObject, requested: number | undefined): number {
  if (!info.builtin || info.kind !== "Pod") return 0;
  const spec = isObject(live.spec) ? live.spec : {};
  const phase = isObject(live.status) ? live.status.phase : undefined;
  if (!spec.nodeName || phase === "Succeeded" || phase === "Failed") return 0;
  const grace =
    requested ?? (typeof spec.terminationGracePeriodSeconds === "number" ? spec.terminationGracePeriodSeconds : 30);
  return Math.max(0, grace);
}

/** Custom resources and CRDs refuse a PUT without resourceVersion; built-ins take it unconditionally. */
export function requiresResourceVersion(info: ResourceInfo): boolean {
  return !info.builtin || info.kind === "CustomResourceDefinition";
}

/** kube's ObjectMeta rule for ownerReferences: apiVersion, kind, name and uid set; at most one controller. */
function validateOwnerReferences(info: ResourceInfo, object: KubeObject): void {
  const references = object.metadata.ownerReferences ?? [];
  const causes: { field: string; reason: string; message: string }[] = [];
  for (const reference of references) {
    for (const field of ["apiVersion", "kind", "name", "uid"] as const) {
      if (!reference[field])
        causes.push({
          field: `metadata.ownerReferences.${field}`,
          reason: "FieldValueInvalid",
          message: `Invalid value: "": ${field} must not be empty`,
        });
    }
  }
  const controllers = references.filter((reference) => reference.controller === true);
  if (controllers.length > 1) {
    causes.push({
      field: "metadata.ownerReferences",
      reason: "FieldValueInvalid",
      message:
        `Invalid value: ${JSON.stringify(references)}: Only one reference can have Controller set to true. ` +
        `Found "true" in references ` +
        `for ${controllers.map((reference) => `${reference.kind}/${reference.name}`).join(" and ")}`,
    });
  }
  if (causes.length > 0) throw invalid(info.kind, info.group, object.metadata.name ?? "", causes);
}

/** Namespace names are DNS-1123 labels (no dots, at most 63 characters), stricter than other names. */
function validateNamespaceName(name: string): void {
  if (name.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) return;
  throw invalid("Namespace", "", name, [
    {
      field: "metadata.name",
      reason: "FieldValueInvalid",
      message:
        `Invalid value: ${JSON.stringify(name)}: a lowercase RFC 1123 label must consist of lower case ` +
        `alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or ` +
        `'123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
    },
  ]);
}

/** Defaults and validation on create, in place. */
export function prepareForCreate(info: ResourceInfo, object: KubeObject, now: Date): void {
  validateOwnerReferences(info, object);
  switch (info.kind) {
    case "Namespace":
      validateNamespaceName(object.metadata.name ?? "");
      object.metadata.labels = { ...object.metadata.labels, "kubernetes.io/metadata.name": object.metadata.name ?? "" };
      object.spec = { finalizers: ["kubernetes"] };
      object.status = { phase: "Active" };
      return;
    case "CustomResourceDefinition":
      validateCrd(object);
      object.metadata.finalizers = [...new Set([...(object.metadata.finalizers ?? []), crdCleanupFinalizer])];
      object.status = crdStatus(object, now);
      return;
  }
  prepareAlways(info, object);
  if (info.builtin && info.kind === "Pod") object.status = { phase: "Pending", qosClass: "BestEffort" };
}

/** Defaults and validation on update, in place (`next` already carries what the update may change). */
export function prepareForUpdate(info: ResourceInfo, live: KubeObject, next: KubeObject, now: Date): void {
  validateOwnerReferences(info, next);
  switch (info.kind) {
    case "Namespace":
      next.metadata.labels = { ...next.metadata.labels, "kubernetes.io/metadata.name": next.metadata.name ?? "" };
      next.spec = live.spec;
      if (!next.metadata.deletionTimestamp)
        next.status = { ...(isObject(next.status) ? next.status : {}), phase: "Active" };
      return;
    case "CustomResourceDefinition":
      validateCrd(next, (live.status as { storedVersions?: string[] } | undefined)?.storedVersions ?? []);
      next.status = crdStatus(next, now);
      return;
  }
  prepareAlways(info, next);
}

function prepareAlways(info: ResourceInfo, object: KubeObject): void {
  if (!info.builtin) return;
  switch (info.kind) {
    case "Deployment":
    case "ReplicaSet":
      defaultWorkload(info.kind, object);
      validateWorkload(info.kind, object);
      return;
    case "Pod":
      defaultPod(object);
      return;
    case "Secret":
      normalizeSecret(object);
      return;
  }
}

function normalizeSecret(secret: KubeObject): void {
  secret.type ??= "Opaque";
  if (!isObject(secret.stringData)) return;
  const data: Json = isObject(secret.data) ? { ...secret.data } : {};
  for (const [key, value] of Object.entries(secret.stringData))
    data[key] = Buffer.from(String(value)).toString("base64");
  secret.data = data;
  delete secret.stringData;
}

function defaultWorkload(kind: string, workload: KubeObject): void {
  const spec: Json = isObject(workload.spec) ? workload.spec : (workload.spec = {});
  spec.replicas ??= 1;
  if (kind === "Deployment") {
    spec.revisionHistoryLimit ??= 10;
    spec.progressDeadlineSeconds ??= 600;
    spec.strategy ??= { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" } };
  }
  const template = isObject(spec.template) ? spec.template : undefined;
  if (template && isObject(template.spec)) defaultPodSpec(template.spec);
}

/** kube's Pod defaults, with the ServiceAccount admission's default account. */
function defaultPod(pod: KubeObject): void {
  if (!isObject(pod.spec)) return;
  defaultPodSpec(pod.spec);
  pod.spec.serviceAccountName ??= "default";
}

function defaultPodSpec(podSpec: Json): void {
  podSpec.restartPolicy ??= "Always";
  podSpec.terminationGracePeriodSeconds ??= 30;
  podSpec.dnsPolicy ??= "ClusterFirst";
  podSpec.securityContext ??= {};
  podSpec.schedulerName ??= "default-scheduler";
  for (const container of Array.isArray(podSpec.containers) ? podSpec.containers : []) {
    if (!isObject(container)) continue;
    const image = typeof container.image === "string" ? container.image : "";
    const tagged = /:[^/]+$/.test(image.split("@")[0] ?? "") || image.includes("@");
    container.imagePullPolicy ??= !tagged || image.endsWith(":latest") ? "Always" : "IfNotPresent";
    container.terminationMessagePath ??= "/dev/termination-log";
    container.terminationMessagePolicy ??= "File";
    container.resources ??= {};
  }
}

function validateWorkload(kind: string, workload: KubeObject): void {
  const spec = workload.spec as Json;
  const name = workload.metadata.name ?? "";
  const causes: { field: string; reason: string; message: string }[] = [];
  const template = isObject(spec.template) ? spec.template : undefined;
  const templateLabels =
    template && isObject(template.metadata)
      ? (template.metadata.labels as Record<string, string> | undefined)
      : undefined;
  if (!isObject(spec.selector))
    causes.push({ field: "spec.selector", reason: "FieldValueRequired", message: "Required value" });
  else if (!matchesLabelSelector(labelSelectorFromMatch(spec.selector as LabelSelectorMatch), templateLabels)) {
    const labels = JSON.stringify(templateLabels ?? {});
    causes.push({
      field: "spec.template.metadata.labels",
      reason: "FieldValueInvalid",
      message: `Invalid value: ${labels}: \`selector\` does not match template \`labels\``,
    });
  }
  const podSpec = template && isObject(template.spec) ? template.spec : undefined;
  if (!podSpec || !Array.isArray(podSpec.containers) || podSpec.containers.length === 0) {
    causes.push({ field: "spec.template.spec.containers", reason: "FieldValueRequired", message: "Required value" });
  }
  if (typeof spec.replicas !== "number" || !Number.isInteger(spec.replicas) || spec.replicas < 0) {
    causes.push({
      field: "spec.replicas",
      reason: "FieldValueInvalid",
      message: `Invalid value: ${JSON.stringify(spec.replicas)}: must be greater than or equal to 0`,
    });
  }
  if (causes.length > 0) throw invalid(kind, "apps", name, causes);
}
