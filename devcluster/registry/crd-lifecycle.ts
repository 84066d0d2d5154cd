// What kube-apiserver's apiextensions controllers do to a CustomResourceDefinition: name checks, accepted names, conditions.
import { invalid } from "./api-error.ts";
import { kubeTime } from "./kube-time.ts";
import type { KubeObject } from "./resource-info.ts";

export const crdCleanupFinalizer = "customresourcecleanup.apiextensions.k8s.io";

interface CrdSpec {
  group?: string;
  scope?: string;
  names?: { plural?: string; singular?: string; kind?: string; listKind?: string; shortNames?: string[]; categories?: string[] };
  versions?: { name?: string; served?: boolean; storage?: boolean }[];
}

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
  lastTransitionTime: string;
}

/** Throws 422 Invalid when the CRD's names, scope or versions are not what kube-apiserver accepts. */
export function validateCrd(crd: KubeObject): void {
  const spec = (crd.spec ?? {}) as CrdSpec;
  const name = crd.metadata.name ?? "";
  const causes: { field: string; message: string; reason: string }[] = [];
  const required = (field: string) => causes.push({ field, reason: "FieldValueRequired", message: "Required value" });
  if (!spec.group) required("spec.group");
  if (!spec.names?.plural) required("spec.names.plural");
  if (!spec.names?.kind) required("spec.names.kind");
  if (spec.scope !== "Namespaced" && spec.scope !== "Cluster") {
    causes.push({ field: "spec.scope", reason: "FieldValueNotSupported", message: `Unsupported value: "${spec.scope ?? ""}": supported values: "Cluster", "Namespaced"` });
  }
  if (spec.group && spec.names?.plural && name !== `${spec.names.plural}.${spec.group}`) {
    causes.push({ field: "metadata.name", reason: "FieldValueInvalid", message: `Invalid value: "${name}": must be spec.names.plural+"."+spec.group` });
  }
  const versions = spec.versions ?? [];
  if (versions.length === 0) required("spec.versions");
  else if (versions.filter((version) => version.storage === true).length !== 1) {
    causes.push({ field: "spec.versions", reason: "FieldValueInvalid", message: `Invalid value: []apiextensions.CustomResourceDefinitionVersion{...}: must have exactly one version marked as storage version` });
  }
  if (causes.length > 0) throw invalid("CustomResourceDefinition", "apiextensions.k8s.io", name, causes);
}

function condition(type: string, status: string, reason: string, message: string, previous: Condition[], now: Date): Condition {
  const before = previous.find((entry) => entry.type === type);
  const lastTransitionTime = before && before.status === status ? before.lastTransitionTime : kubeTime(now);
  return { type, status, reason, message, lastTransitionTime };
}

/** The status the apiextensions controllers converge a CRD to: names accepted, Established, storedVersions kept. */
export function crdStatus(crd: KubeObject, now: Date): Record<string, unknown> {
  const spec = (crd.spec ?? {}) as CrdSpec;
  const previous = (crd.status ?? {}) as { conditions?: Condition[]; storedVersions?: string[] };
  const previousConditions = previous.conditions ?? [];
  const names = spec.names ?? {};
  const storage = (spec.versions ?? []).find((version) => version.storage === true)?.name;
  const storedVersions = [...new Set([...(previous.storedVersions ?? []), ...(storage ? [storage] : [])])];
  const conditions = [
    condition("NamesAccepted", "True", "NoConflicts", "no conflicts found", previousConditions, now),
    condition("Established", "True", "InitialNamesAccepted", "the initial names have been accepted", previousConditions, now),
    ...(crd.metadata.deletionTimestamp ? [condition("Terminating", "True", "InstanceDeletionInProgress", "CustomResourceDefinition marked for deletion; deleting its custom resources", previousConditions, now)] : []),
  ];
  return {
    conditions,
    acceptedNames: {
      plural: names.plural,
      singular: names.singular ?? names.kind?.toLowerCase(),
      ...(names.shortNames ? { shortNames: names.shortNames } : {}),
      kind: names.kind,
      listKind: names.listKind ?? `${names.kind}List`,
      ...(names.categories ? { categories: names.categories } : {}),
    },
    storedVersions,
  };
}
