// Derives the OpenAPI schemas of built-in kinds from @kubernetes/client-node's generated models and
// their doc comments, for `npm run devcluster:schemas` (the server reads the committed result).
import * as models from "@kubernetes/client-node";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { listMergeKey } from "./list-merge-key.ts";
import type { JSONSchemaProps } from "./resource-info.ts";
import { encodeSchemaFile } from "./schema-file.ts";

/** The models devcluster serves or describes: its built-in kinds, plus the meta types of its OpenAPI documents. */
export const builtinSchemaModels = [
  "V1Namespace",
  "V1ConfigMap",
  "V1Secret",
  "V1ServiceAccount",
  "CoreV1Event",
  "V1Pod",
  "V1Deployment",
  "V1ReplicaSet",
  "V1Lease",
  "V1Role",
  "V1RoleBinding",
  "V1ClusterRole",
  "V1ClusterRoleBinding",
  "V1SelfSubjectAccessReview",
  "V1SubjectAccessReview",
  "V1CustomResourceDefinition",
  "V1ObjectMeta",
  "V1ListMeta",
  "V1Status",
  "V1Scale",
] as const;

interface Attribute {
  name: string;
  baseName: string;
  type: string;
  format: string;
}

interface Model {
  getAttributeTypeMap(): Attribute[];
}

/** Maps of resource quantities: kube accepts `cpu: 1` and `cpu: 0.5` as well as `cpu: "1"`. */
const quantityMaps = new Set(["limits", "requests", "capacity", "allocatable", "hard", "used", "overhead"]);

/** Single resource quantities (`sizeLimit: 1Gi` or `sizeLimit: 1`). */
const quantityFields = new Set(["sizeLimit"]);

/** kube's `resource.Quantity`: `1Gi`, `500m`, `1`, `0.5`. */
const quantity: JSONSchemaProps = { oneOf: [{ type: "string" }, { type: "number" }] };

const intOrString: JSONSchemaProps = {
  "x-kubernetes-int-or-string": true,
  anyOf: [{ type: "integer" }, { type: "string" }],
};

function modelNamed(name: string): Model {
  const model = (models as unknown as Record<string, Partial<Model> | undefined>)[name];
  if (typeof model?.getAttributeTypeMap !== "function")
    throw new Error(`@kubernetes/client-node has no model "${name}"`);
  return model as Model;
}

interface ModelDocs {
  description: string | undefined;
  fields: Map<string, string>;
  required: string[];
}

const modelsDir = join(dirname(createRequire(import.meta.url).resolve("@kubernetes/client-node")), "gen", "models");

function commentText(comment: string): string {
  return comment
    .split("\n")
    .map((line) => line.replace(/^\s*\*\s?/, "").trim())
    .filter((line) => line !== "")
    .join("\n");
}

/** Descriptions and required fields, from the doc comments and `?` marks of the model's type declaration. */
function modelDocs(name: string): ModelDocs {
  let source: string;
  try {
    source = readFileSync(join(modelsDir, `${name}.d.ts`), "utf8");
  } catch {
    return { description: undefined, fields: new Map(), required: [] };
  }
  const classAt = source.indexOf(`export declare class ${name}`);
  const classComment = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*$/.exec(source.slice(0, classAt));
  const body = source.slice(classAt);
  const fields = new Map<string, string>();
  for (const match of body.matchAll(/\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*'([^']+)'\??:/g))
    fields.set(match[2]!, commentText(match[1]!));
  const required = [...body.matchAll(/^\s+'([^']+)':/gm)].map((match) => match[1]!);
  return { description: classComment ? commentText(classComment[1]!) : undefined, fields, required };
}

function scalarSchema(type: string, format: string): JSONSchemaProps | undefined {
  switch (type) {
    case "string":
      return format ? { type: "string", format } : { type: "string" };
    case "number":
      return format === "int32" || format === "int64"
        ? { type: "integer", format }
        : { type: "number", ...(format ? { format } : {}) };
    case "boolean":
      return { type: "boolean" };
    case "Date":
    case "V1MicroTime":
      return { type: "string", format: "date-time" };
    case "any":
      return { "x-kubernetes-preserve-unknown-fields": true };
    case "IntOrString":
      return intOrString;
    default:
      return undefined;
  }
}

function typeSchema(type: string, format: string, stack: string[], kind: string): JSONSchemaProps {
  const scalar = scalarSchema(type, format);
  if (scalar) return scalar;
  const array = /^Array<(.+)>$/.exec(type);
  if (array) return { type: "array", items: typeSchema(array[1]!, "", stack, kind) };
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) return { type: "object", additionalProperties: typeSchema(map[1]!, "", stack, kind) };
  return modelSchema(type, stack, kind);
}

/** Fields whose unlisted keys a strategic merge patch clears (`$retainKeys`), as kube's API types tag them. */
const retainKeysFields = new Set(["strategy", "volumes"]);

/**
 * kube's patch and list extensions on a field, which kubectl reads from OpenAPI v3 to build
 * strategic merge patches (`$setElementOrder`, `$patch: delete`) for built-in kinds.
 */
function patchExtensions(kind: string, field: string, schema: JSONSchemaProps): JSONSchemaProps {
  const retain = retainKeysFields.has(field);
  if (schema.type !== "array")
    return retain && schema.type === "object" ? { ...schema, "x-kubernetes-patch-strategy": "retainKeys" } : schema;
  const merge = listMergeKey(kind, field);
  if (merge === undefined) return schema;
  const strategy = retain ? "merge,retainKeys" : "merge";
  if (merge === "set") return { ...schema, "x-kubernetes-list-type": "set", "x-kubernetes-patch-strategy": strategy };
  return {
    ...schema,
    "x-kubernetes-list-type": "map",
    "x-kubernetes-list-map-keys": [merge.key],
    "x-kubernetes-patch-merge-key": merge.key,
    "x-kubernetes-patch-strategy": strategy,
  };
}

function modelSchema(name: string, stack: string[], kind: string): JSONSchemaProps {
  if (stack.includes(name)) return { type: "object", "x-kubernetes-preserve-unknown-fields": true };
  const docs = modelDocs(name);
  const properties: Record<string, JSONSchemaProps> = {};
  const attributes = modelNamed(name).getAttributeTypeMap();
  for (const attribute of attributes) {
    const schema =
      quantityMaps.has(attribute.baseName) && attribute.type === "{ [key: string]: string; }"
        ? { type: "object" as const, additionalProperties: quantity }
        : quantityFields.has(attribute.baseName) && attribute.type === "string"
          ? quantity
          : typeSchema(attribute.type, attribute.format, [...stack, name], kind);
    const description = docs.fields.get(attribute.name) ?? schema.description;
    properties[attribute.baseName] = patchExtensions(
      kind,
      attribute.baseName,
      description ? { ...schema, description } : schema,
    );
  }
  const required = attributes
    .filter((attribute) => docs.required.includes(attribute.name))
    .map((attribute) => attribute.baseName);
  return {
    type: "object",
    ...(docs.description ? { description: docs.description } : {}),
    ...(required.length > 0 ? { required } : {}),
    properties,
  };
}

/** The complete (inlined) schema of a client-node model such as `V1Deployment` or `V1ObjectMeta`. */
export function deriveBuiltinSchema(model: string): JSONSchemaProps {
  return modelSchema(model, [], model.replace(/^(?:[A-Z][a-z]+)?V\d+(?:alpha\d+|beta\d+)?/, ""));
}

/** The text of `builtin-schemas.json`: every model of `builtinSchemaModels`, derived. */
export function deriveBuiltinSchemaFile(): string {
  return encodeSchemaFile(Object.fromEntries(builtinSchemaModels.map((model) => [model, deriveBuiltinSchema(model)])));
}
