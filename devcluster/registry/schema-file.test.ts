import { describe, expect, it } from "vitest";
import type { JSONSchemaProps } from "./resource-info.ts";
import { decodeSchemaFile, encodeSchemaFile } from "./schema-file.ts";

const meta: JSONSchemaProps = {
  type: "object",
  description: "Standard object's metadata, long enough to be worth sharing between the models that embed it.".repeat(
    3,
  ),
  properties: { name: { type: "string" }, labels: { type: "object", additionalProperties: { type: "string" } } },
};

describe("schema files", () => {
  const schemas: Record<string, JSONSchemaProps> = {
    A: {
      type: "object",
      properties: {
        metadata: meta,
        items: { type: "array", items: { type: "object", properties: { metadata: meta } } },
      },
    },
    B: { type: "object", properties: { metadata: meta, count: { type: "integer", format: "int32" } } },
  };

  it("decode what they encode", () => {
    expect(decodeSchemaFile(encodeSchemaFile(schemas))).toEqual(schemas);
  });

  it("write a repeated subtree once and give it back as one shared object", () => {
    const text = encodeSchemaFile(schemas);
    expect(text.split("Standard object's metadata").length - 1).toBe(3);
    const decoded = decodeSchemaFile(text);
    expect(decoded.A!.properties!.metadata).toBe(decoded.B!.properties!.metadata);
  });

  it("keep small subtrees inline", () => {
    const text = encodeSchemaFile({
      A: { type: "object", properties: { a: { type: "string" } } },
      B: { type: "object", properties: { b: { type: "string" } } },
    });
    expect(JSON.parse(text)).toEqual({
      shared: [],
      models: {
        A: { type: "object", properties: { a: { type: "string" } } },
        B: { type: "object", properties: { b: { type: "string" } } },
      },
    });
  });
});
