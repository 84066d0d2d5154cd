// The OpenAPI v3 documents kubectl reads for apply validation, patch types and `kubectl explain`.
import { createHash } from "node:crypto";
import { builtinSchema } from "../registry/index.ts";
import type { JsonMap, JSONSchemaProps, ResourceInfo } from "../registry/index.ts";

const objectMetaName = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
const listMetaName = "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta";
const statusName = "io.k8s.apimachinery.pkg.apis.meta.v1.Status";
const patchName = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch";
const scaleName = "io.k8s.api.autoscaling.v1.Scale";

const ref = (name: string): JsonMap => ({ $ref: `#/components/schemas/${name}` });

/** Where kube-apiserver's own OpenAPI names each built-in group's types. */
const builtinPackages = new Map<string, string>([
  ["", "io.k8s.api.core"],
  ["apps", "io.k8s.api.apps"],
  ["coordination.k8s.io", "io.k8s.api.coordination"],
  ["rbac.authorization.k8s.io", "io.k8s.api.rbac"],
  ["apiextensions.k8s.io", "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions"],
]);

/** The `components.schemas` key of a kind: `io.k8s.api.apps.v1.Deployment`, `cloud.kontinue.v1alpha1.Execution`. */
export function schemaName(info: ResourceInfo, kind = info.kind): string {
  const prefix = info.builtin ? builtinPackages.get(info.group) : undefined;
  const base = prefix ?? info.group.split(".").reverse().join(".");
  return `${base}.${info.version}.${kind}`;
}

function groupVersionOf(info: ResourceInfo): string {
  return info.group ? `${info.group}/${info.version}` : info.version;
}

function kindSchema(info: ResourceInfo): JsonMap {
  const schema: JSONSchemaProps = info.schema ?? { type: "object", "x-kubernetes-preserve-unknown-fields": true };
  const properties: JsonMap = { ...(schema.properties ?? {}) };
  properties.apiVersion = {
    type: "string",
    description:
      "APIVersion defines the versioned schema of this representation of an object. Servers should convert " +
      "recognized schemas to the latest internal value, and may reject unrecognized values. More info: " +
      "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources",
  };
  properties.kind = {
    type: "string",
    description:
      "Kind is a string value representing the REST resource this object represents. Servers may infer this from the " +
      "endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: " +
      "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds",
  };
  properties.metadata = {
    allOf: [ref(objectMetaName)],
    default: {},
    description:
      "Standard object's metadata. More info: " +
      "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
  };
  return {
    ...schema,
    type: "object",
    properties,
    "x-kubernetes-group-version-kind": [{ group: info.group, kind: info.kind, version: info.version }],
  };
}

function listSchema(info: ResourceInfo): JsonMap {
  return {
    type: "object",
    description: `${info.listKind} is a list of ${info.kind}`,
    required: ["items"],
    properties: {
      apiVersion: { type: "string" },
      kind: { type: "string" },
      metadata: { allOf: [ref(listMetaName)], default: {} },
      items: { type: "array", items: ref(schemaName(info)) },
    },
    "x-kubernetes-group-version-kind": [{ group: info.group, kind: info.listKind, version: info.version }],
  };
}

const queryParameter = (name: string, schema: JsonMap = { type: "string" }, description = ""): JsonMap => ({
  name,
  in: "query",
  description,
  schema,
  uniqueItems: true,
});
const pathParameter = (name: string, description: string): JsonMap => ({
  name,
  in: "path",
  description,
  required: true,
  schema: { type: "string", uniqueItems: true },
});

const writeParameters = [
  queryParameter("dryRun", { type: "string" }, "When present, indicates that modifications should not be persisted."),
  queryParameter(
    "fieldManager",
    { type: "string" },
    "fieldManager is a name associated with the actor or entity that is making these changes.",
  ),
  queryParameter(
    "fieldValidation",
    { type: "string" },
    "fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate " +
      "fields. Valid values are: Ignore, Warn, Strict.",
  ),
];

function jsonContent(schema: JsonMap): JsonMap {
  return { "application/json": { schema }, "application/yaml": { schema } };
}

interface OperationTarget {
  gvk: { group: string; version: string; kind: string };
  schema: string;
  tag: string;
  action: string;
  builtin: boolean;
}

function operation(id: string, target: OperationTarget, extra: JsonMap): JsonMap {
  return {
    tags: [target.tag],
    operationId: id,
    responses: {
      "200": { description: "OK", content: jsonContent(ref(target.schema)) },
      "401": { description: "Unauthorized" },
    },
    "x-kubernetes-action": target.action,
    "x-kubernetes-group-version-kind": target.gvk,
    ...extra,
  };
}

function patchOperation(id: string, target: OperationTarget): JsonMap {
  const patchSchema = ref(patchName);
  const content: JsonMap = {
    "application/json-patch+json": { schema: patchSchema },
    "application/merge-patch+json": { schema: patchSchema },
    ...(target.builtin ? { "application/strategic-merge-patch+json": { schema: patchSchema } } : {}),
    "application/apply-patch+yaml": { schema: patchSchema },
  };
  return operation(
    id,
    { ...target, action: "patch" },
    {
      description: `partially update the specified ${target.gvk.kind}`,
      parameters: [
        ...writeParameters,
        queryParameter(
          "force",
          { type: "boolean" },
          'Force is going to "force" Apply requests. It means user will re-acquire conflicting fields owned by other ' +
            "people.",
        ),
      ],
      requestBody: { content, required: true },
    },
  );
}

function writeOperation(id: string, target: OperationTarget, action: "put" | "post"): JsonMap {
  return operation(
    id,
    { ...target, action },
    {
      description: action === "post" ? `create a ${target.gvk.kind}` : `replace the specified ${target.gvk.kind}`,
      parameters: writeParameters,
      requestBody: { content: jsonContent(ref(target.schema)), required: true },
    },
  );
}

function pathsOf(info: ResourceInfo): JsonMap {
  const root = info.group ? `/apis/${info.group}/${info.version}` : `/api/${info.version}`;
  const collection = info.namespaced ? `${root}/namespaces/{namespace}/${info.plural}` : `${root}/${info.plural}`;
  const namespaceParameter = info.namespaced
    ? [pathParameter("namespace", "object name and auth scope, such as for teams and projects")]
    : [];
  const nameParameter = pathParameter("name", `name of the ${info.kind}`);
  const id = `${info.kind}${info.group.replace(/[.-]/g, "")}${info.version}`;
  const gvk = { group: info.group, version: info.version, kind: info.kind };
  const main: OperationTarget = {
    gvk,
    schema: schemaName(info),
    tag: groupVersionOf(info),
    action: "get",
    builtin: info.builtin,
  };
  const list: OperationTarget = {
    ...main,
    gvk: { ...gvk, kind: info.listKind },
    schema: schemaName(info, info.listKind),
    action: "list",
  };
  const listParameters = ["labelSelector", "fieldSelector", "limit", "continue", "resourceVersion", "watch"].map(
    (name) => queryParameter(name),
  );
  const paths: JsonMap = {
    [collection]: {
      get: operation(`list${id}`, list, {
        description: `list or watch objects of kind ${info.kind}`,
        parameters: listParameters,
      }),
      post: writeOperation(`create${id}`, main, "post"),
      delete: operation(
        `deletecollection${id}`,
        { ...main, schema: statusName, action: "deletecollection" },
        { description: `delete collection of ${info.kind}` },
      ),
      parameters: namespaceParameter,
    },
    [`${collection}/{name}`]: {
      get: operation(`read${id}`, main, { description: `read the specified ${info.kind}` }),
      put: writeOperation(`replace${id}`, main, "put"),
      patch: patchOperation(`patch${id}`, main),
      delete: operation(
        `delete${id}`,
        { ...main, schema: statusName, action: "delete" },
        { description: `delete a ${info.kind}` },
      ),
      parameters: [nameParameter, ...namespaceParameter],
    },
  };
  if (info.namespaced) {
    paths[`${root}/${info.plural}`] = {
      get: operation(`list${id}ForAllNamespaces`, list, {
        description: `list or watch objects of kind ${info.kind}`,
        parameters: listParameters,
      }),
    };
  }
  if (info.subresources.status) {
    paths[`${collection}/{name}/status`] = {
      get: operation(`read${id}Status`, main, { description: `read status of the specified ${info.kind}` }),
      put: writeOperation(`replace${id}Status`, main, "put"),
      patch: patchOperation(`patch${id}Status`, main),
      parameters: [nameParameter, ...namespaceParameter],
    };
  }
  if (info.subresources.scale) {
    const scale: OperationTarget = {
      ...main,
      gvk: { group: "autoscaling", version: "v1", kind: "Scale" },
      schema: scaleName,
    };
    paths[`${collection}/{name}/scale`] = {
      get: operation(`read${id}Scale`, scale, { description: `read scale of the specified ${info.kind}` }),
      put: writeOperation(`replace${id}Scale`, scale, "put"),
      patch: patchOperation(`patch${id}Scale`, scale),
      parameters: [nameParameter, ...namespaceParameter],
    };
  }
  return paths;
}

function withoutMetadata(schema: JSONSchemaProps): JSONSchemaProps {
  const { metadata: _metadata, ...properties } = schema.properties ?? {};
  return { ...schema, properties };
}

/**
 * The OpenAPI v3 document of one group-version (`apps/v1`, `v1`, `kontinue.cloud/v1alpha1`):
 * paths whose operations carry `x-kubernetes-group-version-kind`, a patch operation that takes
 * `fieldValidation` (so kubectl validates on the server), and `components.schemas` for each kind.
 */
export function openApiV3Document({
  groupVersion,
  resources,
}: {
  groupVersion: string;
  resources: ResourceInfo[];
}): object {
  const schemas: JsonMap = {
    [objectMetaName]: builtinSchema("V1ObjectMeta"),
    [listMetaName]: builtinSchema("V1ListMeta"),
    [statusName]: builtinSchema("V1Status"),
    [patchName]: {
      type: "object",
      description: "Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.",
    },
  };
  const paths: JsonMap = {};
  for (const info of [...resources].sort((a, b) => a.plural.localeCompare(b.plural))) {
    schemas[schemaName(info)] = kindSchema(info.schema ? { ...info, schema: withoutMetadata(info.schema) } : info);
    schemas[schemaName(info, info.listKind)] = listSchema(info);
    if (info.subresources.scale) schemas[scaleName] = builtinSchema("V1Scale");
    Object.assign(paths, pathsOf(info));
  }
  return {
    openapi: "3.0.0",
    info: { title: "Kubernetes", version: groupVersion },
    paths,
    components: { schemas },
  };
}

/** The content hash kube-apiserver puts in `serverRelativeURL`: SHA-512, upper-case hex. */
export function openApiHash(document: object): string {
  return createHash("sha512").update(JSON.stringify(document)).digest("hex").toUpperCase();
}

/**
 * `/openapi/v3`: one entry per group-version (`api/v1`, `apis/apps/v1`). With `resourcesOf`,
 * each URL carries the hash of its document, so kubectl's cache refreshes when a CRD changes.
 */
export function openApiV3Index(
  groupVersions: string[],
  resourcesOf?: (groupVersion: string) => ResourceInfo[],
): object {
  const paths: JsonMap = {};
  for (const groupVersion of groupVersions) {
    const key = groupVersion.includes("/") ? `apis/${groupVersion}` : `api/${groupVersion}`;
    const hash = resourcesOf
      ? `?hash=${openApiHash(openApiV3Document({ groupVersion, resources: resourcesOf(groupVersion) }))}`
      : "";
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}${hash}` };
  }
  return { paths };
}
