import { describe, expect, it } from "vitest";
import { ApiError } from "./api-error.ts";
import { matchesFieldSelector, parseFieldSelector } from "./field-selector.ts";
import type { KubeObject } from "./resource-info.ts";

const metadataFields = ["metadata.name", "metadata.namespace"];
const eventFields = [
  ...metadataFields,
  "involvedObject.kind",
  "involvedObject.namespace",
  "involvedObject.name",
  "involvedObject.uid",
  "source",
];

const pod: KubeObject = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "web-1", namespace: "shop" },
  status: { phase: "Running" },
};
const event: KubeObject = {
  apiVersion: "v1",
  kind: "Event",
  metadata: { name: "e1", namespace: "shop" },
  involvedObject: { kind: "Execution", namespace: "shop", name: "process-order-abc123", uid: "u-1" },
  source: { component: "kontinue-controller" },
};

function rejection(text: string, fields: readonly string[]): ApiError {
  try {
    parseFieldSelector(text, fields);
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error(`${text} parsed`);
}

describe("parseFieldSelector", () => {
  it("selects by metadata.name and metadata.namespace with =, == and !=", () => {
    expect(matchesFieldSelector(parseFieldSelector("metadata.name=web-1", metadataFields), pod)).toBe(true);
    expect(matchesFieldSelector(parseFieldSelector("metadata.name==web-1", metadataFields), pod)).toBe(true);
    expect(matchesFieldSelector(parseFieldSelector("metadata.name!=web-1", metadataFields), pod)).toBe(false);
    expect(
      matchesFieldSelector(parseFieldSelector("metadata.name=web-1,metadata.namespace=other", metadataFields), pod),
    ).toBe(false);
    expect(matchesFieldSelector(parseFieldSelector("metadata.namespace!=other", metadataFields), pod)).toBe(true);
  });

  it("selects everything with an empty selector", () => {
    expect(parseFieldSelector("", metadataFields)).toEqual({ requirements: [] });
    expect(matchesFieldSelector(parseFieldSelector("", metadataFields), pod)).toBe(true);
  });

  it("takes the four involvedObject fields kubectl describe sends for Events", () => {
    const selector = parseFieldSelector(
      "involvedObject.name=process-order-abc123,involvedObject.namespace=shop," +
        "involvedObject.kind=Execution,involvedObject.uid=u-1",
      eventFields,
    );
    expect(matchesFieldSelector(selector, event)).toBe(true);
    expect(matchesFieldSelector(parseFieldSelector("involvedObject.uid=u-2", eventFields), event)).toBe(false);
    expect(matchesFieldSelector(parseFieldSelector("source=kontinue-controller", eventFields), event)).toBe(true);
  });

  it("reads a missing field as the empty string and unescapes values", () => {
    expect(matchesFieldSelector(parseFieldSelector("status.phase=", ["status.phase"]), { ...pod, status: {} })).toBe(
      true,
    );
    expect(parseFieldSelector("metadata.name=a\\,b\\=c", metadataFields).requirements).toEqual([
      { field: "metadata.name", operator: "=", value: "a,b=c" },
    ]);
  });

  it("answers an unsupported field with kube-apiserver's 400", () => {
    const error = rejection("spec.function=x", metadataFields);
    expect(error.code).toBe(400);
    expect(error.reason).toBe("BadRequest");
    expect(error.message).toBe("field label not supported: spec.function");
  });

  it("answers a term without an operator with 400", () => {
    const error = rejection("metadata.name", metadataFields);
    expect(error.code).toBe(400);
    expect(error.message).toBe("invalid selector: 'metadata.name'; can't understand 'metadata.name'");
  });
});
