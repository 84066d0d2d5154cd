// The format of builtin-schemas.json: schemas by model name, where each subtree that repeats
// (ObjectMeta, PodSpec, …) is written once under "shared" and referenced as {"$shared": n}.
import { isObject } from "./json-value.ts";
import type { JSONSchemaProps } from "./resource-info.ts";

interface SchemaFile {
  shared: unknown[];
  models: Record<string, unknown>;
}

/** Subtrees shorter than this (as JSON) are repeated rather than referenced. */
const minSharedLength = 200;

/** Notes each object or array of `value` as JSON text (computed bottom-up) and how often that text occurs. */
function countTexts(value: unknown, texts: Map<object, string>, counts: Map<string, number>): string {
  if (typeof value !== "object" || value === null) return JSON.stringify(value);
  const text = Array.isArray(value)
    ? `[${value.map((item) => countTexts(item, texts, counts)).join(",")}]`
    : `{${Object.entries(value)
        .map(([key, child]) => `${JSON.stringify(key)}:${countTexts(child, texts, counts)}`)
        .join(",")}}`;
  texts.set(value, text);
  if (text.length >= minSharedLength) counts.set(text, (counts.get(text) ?? 0) + 1);
  return text;
}

/** Serializes `schemas` with repeated subtrees shared; `decodeSchemaFile` gives them back. */
export function encodeSchemaFile(schemas: Record<string, JSONSchemaProps>): string {
  const texts = new Map<object, string>();
  const counts = new Map<string, number>();
  for (const schema of Object.values(schemas)) countTexts(schema, texts, counts);
  const shared: unknown[] = [];
  const indexes = new Map<string, number>();
  const encode = (value: unknown): unknown => {
    if (typeof value !== "object" || value === null) return value;
    const text = texts.get(value)!;
    if ((counts.get(text) ?? 0) < 2) return encodeChildren(value);
    let index = indexes.get(text);
    if (index === undefined) {
      index = shared.length;
      indexes.set(text, index);
      shared.push(undefined);
      shared[index] = encodeChildren(value);
    }
    return { $shared: index };
  };
  const encodeChildren = (value: object): unknown =>
    Array.isArray(value)
      ? value.map(encode)
      : Object.fromEntries(Object.entries(value).map(([key, child]) => [key, encode(child)]));
  const models = Object.fromEntries(Object.entries(schemas).map(([model, schema]) => [model, encodeChildren(schema)]));
  const file: SchemaFile = { shared, models };
  return `${JSON.stringify(file, null, 1)}\n`;
}

/** The schemas of a file `encodeSchemaFile` wrote; a shared subtree is one object wherever it appears. */
export function decodeSchemaFile(text: string): Record<string, JSONSchemaProps> {
  const file = JSON.parse(text) as SchemaFile;
  const resolved = new Map<number, unknown>();
  const decode = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(decode);
    if (!isObject(value)) return value;
    if (typeof value.$shared === "number") {
      const index = value.$shared;
      if (!resolved.has(index)) resolved.set(index, decode(file.shared[index]));
      return resolved.get(index);
    }
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, decode(child)]));
  };
  return Object.fromEntries(
    Object.entries(file.models).map(([model, schema]) => [model, decode(schema) as JSONSchemaProps]),
  );
}
