// What kube-apiserver's apiextensions controllers do to a CustomResourceDefinition: name checks, accepted names,
// conditions.
import { invalid } from "./api-error.ts";
import { kubeTime } from "./kube-time.ts";
import type { KubeObject } from "./resource-info.ts";

export const crdCleanupFinalizer = "customresourcecleanup.apiextensions.k8s.io";

interface CrdSpec {
  group?: string;
  scope?: string;
  names?: {
    plural?: string;
    singular?: string;
    kind?: string;
    listKind?: string;
    shortNames?: string[];
    categories?: string[];
  };
  versions?: { name?: string; served?: boolean; storage?: boolean; schema?: { openAPIV3Schema?: SchemaNode } }[];
}

interface SchemaNode {
  type?: unknown;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  additionalProperties?: SchemaNode | boolean;
  allOf?: SchemaNode[];
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  not?: SchemaNode;
}

type Cause = { field: string; message: string; reason: string };

const schemaTypes = ["array", "boolean", "integer", "number", "object", "string"];

/** kube's structural-schema check of `type`: only the six JSON schema types (or none). */
function schemaTypeCauses(node: SchemaNode | undefined, path: string, causes: Cause[]): void {
  if (!node || typeof node !== "object") return;
  if (node.type !== undefined && (typeof node.type !== "string" || !schemaTypes.includes(node.type))) {
    causes.push({
      field: `${path}.type`,
      reason: "FieldValueNotSupported",
      message:
        `Unsupported value: ${JSON.stringify(node.type)}: supported ` +
        `values: ${schemaTypes.map((type) => `"${type}"`).join(", ")}`,
    });
  }
  for (const [name, child] of Object.entries(node.properties ?? {}))
    schemaTypeCauses(child, `${path}.properties[${name}]`, causes);
  schemaTypeCauses(node.items, `${path}.items`, causes);
  if (typeof node.additionalProperties === "object")
    schemaTypeCauses(node.additionalProperties, `${path}.additionalProperties`, causes);
  for (const key of ["allOf", "anyOf", "oneOf"] as const)
    (node[key] ?? []).forEach((child, index) => schemaTypeCauses(child, `${path}.${key}[${index}]`, causes));
  schemaTypeCauses(node.not, `${path}.not`, causes);
}

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
  lastTransitionTime: string;
}

/**
 * Throws 422 Invalid when the CRD's names, scope, versions or schema types are not what kube-apiserver
 * accepts; on update, `storedVersions` (the live status) must all stay in spec.versions.
 */
export function validateCrd(crd: KubeObject, storedVersions: readonly string[] = []): void {
  const spec = (crd.spec ?? {}) as CrdSpec;
  const name = crd.metadata.name ?? "";
  const causes: Cause[] = [];
  const required = (field: string) => causes.push({ field, reason: "FieldValueRequired", message: "Required value" });
  if (!spec.group) required("spec.group");
  if (!spec.names?.plural) required("spec.names.plural");
  if (!spec.names?.kind) required("spec.names.kind");
  if (spec.scope !== "Namespaced" && spec.scope !== "Cluster") {
    causes.push({
      field: "spec.scope",
      reason: "FieldValueNotSupported",
      message: `Unsupported value: "${spec.scope ?? ""}": supported values: "Cluster", "Namespaced"`,
    });
  }
  if (spec.group && spec.names?.plural && name !== `${spec.names.plural}.${spec.group}`) {
    causes.push({
      field: "metadata.name",
      reason: "FieldValueInvalid",
      message: `Invalid value: "${name}": must be spec.names.plural+"."+spec.group`,
    });
  }
  const versions = spec.versions ?? [];
  if (versions.length === 0) required("spec.versions");
  else if (versions.filter((version) => version.storage === true).length !== 1) {
    causes.push({
      field: "spec.versions",
      reason: "FieldValueInvalid",
      message:
        `Invalid value: []apiextensions.CustomResourceDefinitionVersion{...}: must have exactly one version ` +
        `marked as storage version`,
    });
  }
  versions.forEach((version, index) =>
    schemaTypeCauses(version.schema?.openAPIV3Schema, `spec.versions[${index}].schema.openAPIV3Schema`, causes),
  );
  const names = new Set(versions.map((version) => version.name));
  storedVersions.forEach((stored, index) => {
    if (!names.has(stored))
      causes.push({
        field: `status.storedVersions[${index}]`,
        reason: "FieldValueInvalid",
        message: `Invalid value: "${stored}": must appear in spec.versions`,
      });
  });
  if (causes.length > 0) throw invalid("CustomResourceDefinition", "apiextensions.k8s.io", name, causes);
}

function condition(
  type: string,
  status: string,
  reason: string,
  message: string,
  previous: Condition[],
  now: Date,
): Condition {
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
    condition(
      "Established",
      "True",
      "InitialNamesAccepted",
      "the initial names have been accepted",
      previousConditions,
      now,
    ),
    ...(crd.metadata.deletionTimestamp
      ? [
          condition(
            "Terminating",
            "True",
            "InstanceDeletionInProgress",
            "CustomResourceDefinition marked for deletion; deleting its custom resources",
            previousConditions,
            now,
          ),
        ]
      : []),
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
