// What devcluster knows about each resource it serves: names, scope, verbs, schema, printer columns.
import { builtinSchema } from "./builtin-schema.ts";

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: "Apply" | "Update";
  apiVersion?: string;
  time?: string;
  fieldsType?: "FieldsV1";
  fieldsV1?: Record<string, unknown>;
  subresource?: string;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: ManagedFieldsEntry[];
  [key: string]: unknown;
}

/** Any Kubernetes object as JSON. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

/** A CRD's `openAPIV3Schema` node, with kube's `x-kubernetes-*` extensions. */
export interface JSONSchemaProps {
  type?: "object" | "array" | "string" | "integer" | "number" | "boolean";
  format?: string;
  title?: string;
  description?: string;
  default?: unknown;
  example?: unknown;
  enum?: unknown[];
  nullable?: boolean;
  properties?: Record<string, JSONSchemaProps>;
  additionalProperties?: JSONSchemaProps | boolean;
  items?: JSONSchemaProps;
  required?: string[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minProperties?: number;
  maxProperties?: number;
  allOf?: JSONSchemaProps[];
  anyOf?: JSONSchemaProps[];
  oneOf?: JSONSchemaProps[];
  not?: JSONSchemaProps;
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-embedded-resource"?: boolean;
  "x-kubernetes-int-or-string"?: boolean;
  "x-kubernetes-list-type"?: "atomic" | "set" | "map";
  "x-kubernetes-list-map-keys"?: string[];
  "x-kubernetes-map-type"?: "atomic" | "granular";
  /** Built-in kinds only: how strategic merge patches treat the field (kubectl reads these from OpenAPI v3). */
  "x-kubernetes-patch-merge-key"?: string;
  "x-kubernetes-patch-strategy"?: string;
  "x-kubernetes-validations"?: {
    rule: string;
    message?: string;
    messageExpression?: string;
    reason?: string;
    fieldPath?: string;
  }[];
}

/** A CRD `additionalPrinterColumns` entry. */
export interface PrinterColumn {
  name: string;
  type: "integer" | "number" | "string" | "boolean" | "date";
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

export interface TableColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export interface TableRow {
  cells: unknown[];
  /** PartialObjectMetadata, or the whole object with `includeObject=Object`; absent with `None`. */
  object?: KubeObject;
}

/** `meta.k8s.io/v1` Table, what `kubectl get` prints. */
export interface Table {
  kind: "Table";
  apiVersion: "meta.k8s.io/v1";
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}

export interface ScaleSubresource {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

export interface ResourceInfo {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  subresources: { status?: Record<string, never>; scale?: ScaleSubresource };
  schema?: JSONSchemaProps;
  /**
   * The resourceVersion of the CRD that defines `schema` (objects written after it were admitted under it); absent for
   * built-in kinds.
   */
  schemaRevision?: number;
  printerColumns: PrinterColumn[];
  builtin: boolean;
  fieldSelectors: string[];
}

const allVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

const metadataFields = ["metadata.name", "metadata.namespace"];

const nameColumn: PrinterColumn = {
  name: "Name",
  type: "string",
  format: "name",
  description:
    "Name must be unique within a namespace. Is required when creating resources, although some resources may allow " +
    "a client to request the generation of an appropriate name automatically. Name is primarily intended for " +
    "creation idempotence and configuration definition. Cannot be updated. More info: " +
    "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names",
  priority: 0,
  jsonPath: ".metadata.name",
};

const ageColumn: PrinterColumn = {
  name: "Age",
  type: "date",
  description:
    "CreationTimestamp is a timestamp representing the server time when this object was created. It is not " +
    "guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is " +
    "represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: " +
    "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
  priority: 0,
  jsonPath: ".metadata.creationTimestamp",
};

const createdAtColumn: PrinterColumn = { ...ageColumn, name: "Created At", format: "date-time" };

interface BuiltinSpec {
  group?: string;
  version?: string;
  kind: string;
  plural: string;
  namespaced?: boolean;
  shortNames?: string[];
  categories?: string[];
  model: string;
  verbs?: string[];
  subresources?: ResourceInfo["subresources"];
  printerColumns?: PrinterColumn[];
  fieldSelectors?: string[];
}

/** Name comes first unless the kind places it itself (Events show it only with `-o wide`, last). */
function withNameColumn(columns: PrinterColumn[]): PrinterColumn[] {
  return columns.some((column) => column.jsonPath === nameColumn.jsonPath) ? columns : [nameColumn, ...columns];
}

function builtin(spec: BuiltinSpec): ResourceInfo {
  return {
    group: spec.group ?? "",
    version: spec.version ?? "v1",
    kind: spec.kind,
    listKind: `${spec.kind}List`,
    plural: spec.plural,
    singular: spec.kind.toLowerCase(),
    namespaced: spec.namespaced ?? true,
    shortNames: spec.shortNames ?? [],
    categories: spec.categories ?? [],
    verbs: spec.verbs ?? allVerbs,
    subresources: spec.subresources ?? {},
    schema: builtinSchema(spec.model),
    printerColumns: withNameColumn(spec.printerColumns ?? [ageColumn]),
    builtin: true,
    fieldSelectors: [...metadataFields, ...(spec.fieldSelectors ?? [])],
  };
}

function column(name: string, type: PrinterColumn["type"], jsonPath: string, priority = 0): PrinterColumn {
  return { name, type, jsonPath, priority, description: "" };
}

/** The built-in kinds devcluster serves, with kube-apiserver's names, short names and subresources. */
export const builtinResources: ResourceInfo[] = [
  builtin({
    kind: "Namespace",
    plural: "namespaces",
    namespaced: false,
    shortNames: ["ns"],
    model: "V1Namespace",
    verbs: allVerbs.filter((verb) => verb !== "deletecollection"),
    subresources: { status: {} },
    printerColumns: [column("Status", "string", ".status.phase"), ageColumn],
    fieldSelectors: ["status.phase"],
  }),
  builtin({
    kind: "ConfigMap",
    plural: "configmaps",
    shortNames: ["cm"],
    model: "V1ConfigMap",
    printerColumns: [column("Data", "integer", ".data"), ageColumn],
  }),
  builtin({
    kind: "Secret",
    plural: "secrets",
    model: "V1Secret",
    printerColumns: [column("Type", "string", ".type"), column("Data", "integer", ".data"), ageColumn],
    fieldSelectors: ["type"],
  }),
  builtin({
    kind: "ServiceAccount",
    plural: "serviceaccounts",
    shortNames: ["sa"],
    model: "V1ServiceAccount",
    printerColumns: [column("Secrets", "integer", ".secrets"), ageColumn],
  }),
  builtin({
    kind: "Event",
    plural: "events",
    shortNames: ["ev"],
    model: "CoreV1Event",
    printerColumns: [
      column("Last Seen", "date", ".lastTimestamp"),
      column("Type", "string", ".type"),
      column("Reason", "string", ".reason"),
      column("Object", "string", ".involvedObject.name"),
      column("Source", "string", ".source.component", 1),
      column("Message", "string", ".message"),
      column("Count", "integer", ".count", 1),
      { ...nameColumn, priority: 1 },
    ],
    fieldSelectors: [
      "involvedObject.kind",
      "involvedObject.namespace",
      "involvedObject.name",
      "involvedObject.uid",
      "involvedObject.apiVersion",
      "involvedObject.resourceVersion",
      "involvedObject.fieldPath",
      "reason",
      "type",
      "source",
    ],
  }),
  builtin({
    kind: "Pod",
    plural: "pods",
    shortNames: ["po"],
    categories: ["all"],
    model: "V1Pod",
    subresources: { status: {} },
    printerColumns: [
      column("Ready", "string", ".status.containerStatuses"),
      column("Status", "string", ".status.phase"),
      column("Restarts", "string", ".status.containerStatuses"),
      ageColumn,
      column("IP", "string", ".status.podIP", 1),
      column("Node", "string", ".spec.nodeName", 1),
    ],
    fieldSelectors: [
      "spec.nodeName",
      "spec.restartPolicy",
      "spec.schedulerName",
      "spec.serviceAccountName",
      "status.phase",
      "status.podIP",
      "status.nominatedNodeName",
    ],
  }),
  builtin({
    group: "apps",
    kind: "Deployment",
    plural: "deployments",
    shortNames: ["deploy"],
    categories: ["all"],
    model: "V1Deployment",
    subresources: {
      status: {},
      scale: {
        specReplicasPath: ".spec.replicas",
        statusReplicasPath: ".status.replicas",
        labelSelectorPath: ".status.selector",
      },
    },
    printerColumns: [
      column("Ready", "string", ".status.readyReplicas"),
      column("Up-to-date", "integer", ".status.updatedReplicas"),
      column("Available", "integer", ".status.availableReplicas"),
      ageColumn,
      column("Containers", "string", ".spec.template.spec.containers[*].name", 1),
      column("Images", "string", ".spec.template.spec.containers[*].image", 1),
      column("Selector", "string", ".spec.selector", 1),
    ],
  }),
  builtin({
    group: "apps",
    kind: "ReplicaSet",
    plural: "replicasets",
    shortNames: ["rs"],
    categories: ["all"],
    model: "V1ReplicaSet",
    subresources: {
      status: {},
      scale: {
        specReplicasPath: ".spec.replicas",
        statusReplicasPath: ".status.replicas",
        labelSelectorPath: ".status.selector",
      },
    },
    printerColumns: [
      column("Desired", "integer", ".spec.replicas"),
      column("Current", "integer", ".status.replicas"),
      column("Ready", "integer", ".status.readyReplicas"),
      ageColumn,
      column("Containers", "string", ".spec.template.spec.containers[*].name", 1),
      column("Images", "string", ".spec.template.spec.containers[*].image", 1),
      column("Selector", "string", ".spec.selector", 1),
    ],
  }),
  builtin({
    group: "coordination.k8s.io",
    kind: "Lease",
    plural: "leases",
    model: "V1Lease",
    printerColumns: [column("Holder", "string", ".spec.holderIdentity"), ageColumn],
  }),
  builtin({
    group: "rbac.authorization.k8s.io",
    kind: "Role",
    plural: "roles",
    model: "V1Role",
    printerColumns: [createdAtColumn],
  }),
  builtin({
    group: "rbac.authorization.k8s.io",
    kind: "RoleBinding",
    plural: "rolebindings",
    model: "V1RoleBinding",
    printerColumns: [column("Role", "string", ".roleRef.name"), ageColumn],
  }),
  builtin({
    group: "rbac.authorization.k8s.io",
    kind: "ClusterRole",
    plural: "clusterroles",
    namespaced: false,
    model: "V1ClusterRole",
    printerColumns: [createdAtColumn],
  }),
  builtin({
    group: "rbac.authorization.k8s.io",
    kind: "ClusterRoleBinding",
    plural: "clusterrolebindings",
    namespaced: false,
    model: "V1ClusterRoleBinding",
    printerColumns: [column("Role", "string", ".roleRef.name"), ageColumn],
  }),
  builtin({
    group: "authorization.k8s.io",
    kind: "SelfSubjectAccessReview",
    plural: "selfsubjectaccessreviews",
    namespaced: false,
    model: "V1SelfSubjectAccessReview",
    verbs: ["create"],
  }),
  builtin({
    group: "authorization.k8s.io",
    kind: "SubjectAccessReview",
    plural: "subjectaccessreviews",
    namespaced: false,
    model: "V1SubjectAccessReview",
    verbs: ["create"],
  }),
  builtin({
    group: "apiextensions.k8s.io",
    kind: "CustomResourceDefinition",
    plural: "customresourcedefinitions",
    namespaced: false,
    shortNames: ["crd", "crds"],
    categories: ["api-extensions"],
    model: "V1CustomResourceDefinition",
    subresources: { status: {} },
    printerColumns: [createdAtColumn],
  }),
];

interface CrdVersion {
  name: string;
  served?: boolean;
  schema?: { openAPIV3Schema?: JSONSchemaProps };
  subresources?: { status?: Record<string, never>; scale?: ScaleSubresource };
  additionalPrinterColumns?: PrinterColumn[];
  selectableFields?: { jsonPath: string }[];
}

interface CrdSpec {
  group: string;
  scope: "Namespaced" | "Cluster";
  names: {
    kind: string;
    plural: string;
    singular?: string;
    listKind?: string;
    shortNames?: string[];
    categories?: string[];
  };
  versions: CrdVersion[];
}

/** One ResourceInfo per served version of a CustomResourceDefinition. */
export function resourceInfoFromCrd(crd: KubeObject): ResourceInfo[] {
  const spec = crd.spec as CrdSpec;
  const { names } = spec;
  return spec.versions
    .filter((version) => version.served !== false)
    .map((version) => ({
      group: spec.group,
      version: version.name,
      kind: names.kind,
      listKind: names.listKind ?? `${names.kind}List`,
      plural: names.plural,
      singular: names.singular ?? names.kind.toLowerCase(),
      namespaced: spec.scope !== "Cluster",
      shortNames: names.shortNames ?? [],
      categories: names.categories ?? [],
      verbs: allVerbs,
      subresources: {
        ...(version.subresources?.status ? { status: {} } : {}),
        ...(version.subresources?.scale ? { scale: version.subresources.scale } : {}),
      },
      ...(version.schema?.openAPIV3Schema ? { schema: version.schema.openAPIV3Schema } : {}),
      schemaRevision: Number(crd.metadata.resourceVersion ?? 0),
      printerColumns: [nameColumn, ...(version.additionalPrinterColumns ?? [ageColumn])],
      builtin: false,
      fieldSelectors: [
        ...metadataFields,
        ...(version.selectableFields ?? []).map((field) => field.jsonPath.replace(/^\./, "")),
      ],
    }));
}
