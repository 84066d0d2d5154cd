// Admission of custom resources against their CRD's structural schema: prune, default, validate.
import { isDeepStrictEqual } from "node:util";
import { badRequest, invalid, type StatusCause } from "./api-error.ts";
import { cloneJson, isObject, jsonEqual, type JsonMap } from "./json-value.ts";
import { labelKeyProblem, labelValueProblem } from "./label-syntax.ts";
import type { JSONSchemaProps, KubeObject } from "./resource-info.ts";
import { matchesFormat } from "./schema-format.ts";

export interface AdmitOptions {
  schema: JSONSchemaProps | undefined;
  object: KubeObject;
  kind: string;
  group: string;
  /** `fieldValidation=Strict`: unknown fields are a 400 instead of being pruned silently. */
  strictFields: boolean;
  /**
   * The stored object this write replaces, when it was admitted under this same schema: values
   * equal to its own are kept as they are, neither walked nor validated again (they were pruned
   * and defaulted when stored; kube-apiserver ratchets validation of unchanged fields likewise).
   */
  previous?: KubeObject;
}

export interface Admitted {
  object: KubeObject;
  /** Paths of pruned fields (`spec.foo`), for `fieldValidation=Warn` warnings. */
  unknownFields: string[];
}

const objectMetaFields = new Set([
  "name",
  "generateName",
  "namespace",
  "selfLink",
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
  "labels",
  "annotations",
  "ownerReferences",
  "finalizers",
  "managedFields",
]);

const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why `name` is not a valid object name (a DNS-1123 subdomain), as kube-apiserver words it; empty when valid. */
export function validateObjectName(name: string, field = "metadata.name"): StatusCause[] {
  const causes: StatusCause[] = [];
  if (name.length > 253)
    causes.push({
      reason: "FieldValueInvalid",
      field,
      message: `Invalid value: "${name}": must be no more than 253 characters`,
    });
  if (!dns1123Subdomain.test(name)) {
    causes.push({
      reason: "FieldValueInvalid",
      field,
      message:
        `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric ` +
        `characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex ` +
        `used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    });
  }
  return causes;
}

const maxAnnotationBytes = 256 * 1024;

/**
 * Why an object's metadata is invalid, as kube-apiserver words it: its name (when set), label
 * keys and values, annotation keys and total annotation size. Empty when valid.
 */
export function validateObjectMeta(metadata: KubeObject["metadata"], field = "metadata"): StatusCause[] {
  const causes: StatusCause[] =
    typeof metadata.name === "string" ? validateObjectName(metadata.name, `${field}.name`) : [];
  const invalidValue = (field: string, value: string, why: string) =>
    causes.push({ reason: "FieldValueInvalid", field, message: `Invalid value: ${JSON.stringify(value)}: ${why}` });
  for (const [key, value] of Object.entries(metadata.labels ?? {})) {
    const keyProblem = labelKeyProblem(key);
    if (keyProblem) invalidValue(`${field}.labels`, key, keyProblem);
    const valueProblem = typeof value === "string" ? labelValueProblem(value) : "must be a string";
    if (valueProblem) invalidValue(`${field}.labels`, String(value), valueProblem);
  }
  let annotationBytes = 0;
  for (const [key, value] of Object.entries(metadata.annotations ?? {})) {
    const keyProblem = labelKeyProblem(key.toLowerCase());
    if (keyProblem) invalidValue(`${field}.annotations`, key, keyProblem);
    annotationBytes += Buffer.byteLength(key) + Buffer.byteLength(String(value));
  }
  if (annotationBytes > maxAnnotationBytes)
    causes.push({
      reason: "FieldValueTooLong",
      field: `${field}.annotations`,
      message: `Too long: must have at most ${maxAnnotationBytes} bytes`,
    });
  return causes;
}

function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function hasType(value: unknown, type: JSONSchemaProps["type"]): boolean {
  const actual = jsonType(value);
  return actual === type || (type === "number" && actual === "integer");
}

/** How kube quotes a value in `Invalid value: …`. */
function quote(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(jsonType(value));
}

/** A field path, rendered (`spec.items[0].name`) only when a message names it. */
class Path {
  constructor(
    private readonly parent: Path | undefined,
    private readonly segment: string | number,
  ) {}

  child(key: string): Path {
    return new Path(this, key);
  }

  item(index: number): Path {
    return new Path(this, index);
  }

  toString(): string {
    if (!this.parent) return "";
    const parent = this.parent.toString();
    if (typeof this.segment === "number") return `${parent}[${this.segment}]`;
    return parent ? `${parent}.${this.segment}` : this.segment;
  }
}

const rootPath = new Path(undefined, "");

/** No previous value at this place (as opposed to a previous `undefined`). */
const absent = Symbol("absent");

/** The previous value of `key` in `previous`, if that is an object holding it. */
function previousMember(previous: unknown, key: string): unknown {
  return isObject(previous) && Object.hasOwn(previous, key) ? previous[key] : absent;
}

/** Caches each schema's properties that have a default. */
const defaultsCache = new WeakMap<JSONSchemaProps, [string, JSONSchemaProps][]>();

function defaultedProperties(schema: JSONSchemaProps): [string, JSONSchemaProps][] {
  let defaults = defaultsCache.get(schema);
  if (!defaults) {
    defaults = Object.entries(schema.properties ?? {}).filter(([, property]) => property.default !== undefined);
    defaultsCache.set(schema, defaults);
  }
  return defaults;
}

/** Compiled `pattern`s, by source (schemas are few and their patterns fewer). */
const patterns = new Map<string, RegExp>();

function patternOf(source: string): RegExp {
  let pattern = patterns.get(source);
  if (!pattern) patterns.set(source, (pattern = new RegExp(source, "u")));
  return pattern;
}

class Admission {
  readonly causes: StatusCause[] = [];
  readonly unknownFields: string[] = [];

  private invalidValue(path: Path, value: unknown, detail: string): void {
    this.causes.push({
      reason: "FieldValueInvalid",
      field: `${path}`,
      message: `Invalid value: ${quote(value)}: ${path} in body ${detail}`,
    });
  }

  /** Prunes metadata to ObjectMeta's fields, as decoding into the Go type does. */
  metadata(value: unknown, path: Path): unknown {
    if (!isObject(value)) return value;
    for (const key of Object.keys(value)) {
      if (!objectMetaFields.has(key)) {
        this.unknownFields.push(`${path.child(key)}`);
        delete value[key];
      }
    }
    return value;
  }

  /** Prunes, defaults and validates `value` in place; returns the value to keep. */
  walk(value: unknown, schema: JSONSchemaProps, path: Path, embedded = false, previous: unknown = absent): unknown {
    if (value === null) {
      if (!schema.nullable)
        this.causes.push({
          reason: "FieldValueTypeInvalid",
          field: `${path}`,
          message: `Invalid value: "null": ${path} in body must be of type ${schema.type ?? "object"}: "null"`,
        });
      return value;
    }
    if (!this.checkType(value, schema, path)) return value;
    if (isObject(value) && schema["x-kubernetes-embedded-resource"] === true) this.validateEmbedded(value, path);
    if (isObject(value))
      this.walkObject(value, schema, path, embedded || schema["x-kubernetes-embedded-resource"] === true, previous);
    if (Array.isArray(value) && schema.items) {
      const items = schema.items;
      const before = Array.isArray(previous) ? previous : [];
      value.forEach((item, index) => {
        const old = index < before.length ? before[index] : absent;
        if (old === absent || !jsonEqual(item, old))
          value[index] = this.walk(item, items, path.item(index), false, old);
      });
    }
    this.validateValue(value, schema, path);
    return value;
  }

  /** An embedded resource needs apiVersion and kind, and valid metadata. */
  private validateEmbedded(value: JsonMap, path: Path): void {
    for (const key of ["apiVersion", "kind"]) {
      const field = `${path.child(key)}`;
      if (value[key] === undefined)
        this.causes.push({ reason: "FieldValueRequired", field, message: "Required value: must not be empty" });
      else if (typeof value[key] !== "string" || value[key] === "")
        this.causes.push({
          reason: "FieldValueInvalid",
          field,
          message: `Invalid value: ${quote(value[key])}: must be a non-empty string`,
        });
    }
    if (isObject(value.metadata))
      this.causes.push(...validateObjectMeta(value.metadata as KubeObject["metadata"], `${path.child("metadata")}`));
  }

  private checkType(value: unknown, schema: JSONSchemaProps, path: Path): boolean {
    if (schema["x-kubernetes-int-or-string"]) {
      if (jsonType(value) === "integer" || typeof value === "string") return true;
      this.causes.push({
        reason: "FieldValueTypeInvalid",
        field: `${path}`,
        message:
          `Invalid value: ${quote(value)}: ${path} in body must be of type ` +
          `integer,string: ${quote(jsonType(value))}`,
      });
      return false;
    }
    if (schema.type === undefined || hasType(value, schema.type)) return true;
    this.causes.push({
      reason: "FieldValueTypeInvalid",
      field: `${path}`,
      message:
        `Invalid value: ${quote(jsonType(value))}: ${path} in body must be of ` +
        `type ${schema.type}: ${quote(jsonType(value))}`,
    });
    return false;
  }

  private walkObject(value: JsonMap, schema: JSONSchemaProps, path: Path, embedded: boolean, previous: unknown): void {
    const properties = schema.properties ?? {};
    const additional = schema.additionalProperties;
    const preserve = schema["x-kubernetes-preserve-unknown-fields"] === true;
    for (const key of Object.keys(value)) {
      if (value[key] === undefined) {
        delete value[key];
        continue;
      }
      const child = path.child(key);
      if (embedded && (key === "apiVersion" || key === "kind")) continue;
      if (embedded && key === "metadata") {
        value[key] = this.metadata(value[key], child);
        continue;
      }
      const propertySchema = Object.hasOwn(properties, key)
        ? properties[key]
        : typeof additional === "object"
          ? additional
          : undefined;
      if (propertySchema) {
        const old = previousMember(previous, key);
        if (old !== absent && jsonEqual(value[key], old)) continue;
        if (value[key] === null && !propertySchema.nullable) {
          if (propertySchema.default === undefined) delete value[key];
          continue;
        }
        value[key] = this.walk(value[key], propertySchema, child, false, old);
      } else if (!preserve && additional !== true) {
        this.unknownFields.push(`${child}`);
        delete value[key];
      }
    }
    for (const [key, propertySchema] of defaultedProperties(schema)) {
      if (value[key] === undefined || (value[key] === null && !propertySchema.nullable)) {
        value[key] = this.walk(cloneJson(propertySchema.default), propertySchema, path.child(key));
      }
    }
    if (schema.required)
      for (const key of schema.required) {
        if (value[key] === undefined)
          this.causes.push({ reason: "FieldValueRequired", field: `${path.child(key)}`, message: "Required value" });
      }
    if (schema.minProperties === undefined && schema.maxProperties === undefined) return;
    const count = Object.keys(value).length;
    if (schema.minProperties !== undefined && count < schema.minProperties)
      this.invalidValue(path, count, `should have at least ${schema.minProperties} properties`);
    if (schema.maxProperties !== undefined && count > schema.maxProperties)
      this.invalidValue(path, count, `should have at most ${schema.maxProperties} properties`);
  }

  private validateValue(value: unknown, schema: JSONSchemaProps, path: Path): void {
    if (
      schema.enum &&
      !schema.enum.some((allowed) =>
        typeof value === "object" ? isDeepStrictEqual(allowed, value) : Object.is(allowed, value),
      )
    ) {
      this.causes.push({
        reason: "FieldValueNotSupported",
        field: `${path}`,
        message: `Unsupported value: ${quote(value)}: supported values: ${schema.enum.map(quote).join(", ")}`,
      });
    }
    if (typeof value === "string") this.validateString(value, schema, path);
    if (typeof value === "number") this.validateNumber(value, schema, path);
    if (Array.isArray(value)) this.validateArray(value, schema, path);
    if (schema.allOf) schema.allOf.forEach((sub, index) => this.subschema(value, sub, path, `allOf[${index}]`));
    if (schema.anyOf && !schema.anyOf.some((sub) => this.passes(value, sub, path)))
      this.invalidValue(path, value, "must validate at least one schema (anyOf)");
    if (schema.oneOf && schema.oneOf.filter((sub) => this.passes(value, sub, path)).length !== 1)
      this.invalidValue(path, value, "must validate one and only one schema (oneOf)");
    if (schema.not && this.passes(value, schema.not, path))
      this.invalidValue(path, value, "must not validate the schema (not)");
  }

  private validateString(value: string, schema: JSONSchemaProps, path: Path): void {
    if (schema.format && !schema["x-kubernetes-int-or-string"] && !matchesFormat(schema.format, value))
      this.invalidValue(path, value, `must be of type ${schema.format}: ${quote(value)}`);
    if (schema.minLength !== undefined || schema.maxLength !== undefined) {
      const length = [...value].length;
      if (schema.minLength !== undefined && length < schema.minLength)
        this.invalidValue(path, value, `should be at least ${schema.minLength} chars long`);
      if (schema.maxLength !== undefined && length > schema.maxLength)
        this.causes.push({
          reason: "FieldValueTooLong",
          field: `${path}`,
          message: `Too long: may not be more than ${schema.maxLength} bytes`,
        });
    }
    if (schema.pattern !== undefined && !patternOf(schema.pattern).test(value))
      this.invalidValue(path, value, `should match '${schema.pattern}'`);
  }

  private validateNumber(value: number, schema: JSONSchemaProps, path: Path): void {
    if (schema.minimum !== undefined && (schema.exclusiveMinimum ? value <= schema.minimum : value < schema.minimum)) {
      this.invalidValue(
        path,
        value,
        `should be greater than ${schema.exclusiveMinimum ? "" : "or equal to "}${schema.minimum}`,
      );
    }
    if (schema.maximum !== undefined && (schema.exclusiveMaximum ? value >= schema.maximum : value > schema.maximum)) {
      this.invalidValue(
        path,
        value,
        `should be less than ${schema.exclusiveMaximum ? "" : "or equal to "}${schema.maximum}`,
      );
    }
    if (schema.multipleOf !== undefined && !Number.isInteger(value / schema.multipleOf))
      this.invalidValue(path, value, `should be a multiple of ${schema.multipleOf}`);
  }

  private validateArray(value: unknown[], schema: JSONSchemaProps, path: Path): void {
    if (schema.minItems !== undefined && value.length < schema.minItems)
      this.invalidValue(path, value.length, `should have at least ${schema.minItems} items`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems)
      this.causes.push({
        reason: "FieldValueTooMany",
        field: `${path}`,
        message: `Too many: ${value.length}: must have at most ${schema.maxItems} items`,
      });
    const listType = schema["x-kubernetes-list-type"];
    const keys = schema["x-kubernetes-list-map-keys"] ?? [];
    const identity = (item: unknown): unknown =>
      listType === "map" && isObject(item) ? keys.map((key) => item[key]) : item;
    if (listType === "set" || listType === "map" || schema.uniqueItems) {
      value.forEach((item, index) => {
        if (value.findIndex((other) => isDeepStrictEqual(identity(other), identity(item))) < index) {
          this.causes.push({
            reason: "FieldValueDuplicate",
            field: `${path.item(index)}`,
            message: `Duplicate value: ${JSON.stringify(identity(item))}`,
          });
        }
      });
    }
  }

  private subschema(value: unknown, schema: JSONSchemaProps, path: Path, label: string): void {
    if (!this.passes(value, schema, path)) this.invalidValue(path, value, `must validate all the schemas (${label})`);
  }

  /** Validates without pruning, defaulting or recording anything. */
  private passes(value: unknown, schema: JSONSchemaProps, path: Path): boolean {
    const probe = new Admission();
    probe.walk(cloneJson(value), { ...schema, "x-kubernetes-preserve-unknown-fields": true }, path);
    return probe.causes.length === 0;
  }
}

/**
 * Admits a custom resource in place: prunes fields its schema does not declare (apiVersion, kind
 * and metadata are always kept), applies defaults, and validates it. Unknown fields are a 400 under
 * `strictFields`; validation failures are one 422 Invalid with every cause. The caller owns `object`
 * (a copy it made for this write), and gets it back as `Admitted.object`.
 */
export function admitObject({ schema, object, kind, group, strictFields, previous }: AdmitOptions): Admitted {
  const admission = new Admission();
  if (schema) admission.walk(object, schema, rootPath, true, previous ?? absent);
  else admission.metadata(object.metadata, rootPath.child("metadata"));
  if (strictFields && admission.unknownFields.length > 0) {
    const version = object.apiVersion.split("/").pop() ?? "";
    throw badRequest(
      `${kind} in version "${version}" cannot be handled as a ${kind}: strict decoding ` +
        `error: ${admission.unknownFields.map((field) => `unknown field "${field}"`).join(", ")}`,
    );
  }
  const name = object.metadata?.name;
  const causes = [...validateObjectMeta(object.metadata ?? {}), ...admission.causes];
  if (causes.length > 0) throw invalid(kind, group, typeof name === "string" ? name : "", causes);
  return { object, unknownFields: admission.unknownFields };
}
