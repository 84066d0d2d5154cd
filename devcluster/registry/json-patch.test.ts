import { describe, expect, it } from "vitest";
import { ApiError } from "./api-error.ts";
import { applyJsonPatch } from "./json-patch.ts";

function failure(target: unknown, operations: unknown): ApiError {
  try {
    applyJsonPatch(target, operations);
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error("the patch applied");
}

const deployment = {
  metadata: { name: "web", labels: { app: "web" } },
  spec: { replicas: 1, template: { spec: { containers: [{ name: "a", image: "x" }] } } },
};

describe("applyJsonPatch", () => {
  it("applies add, replace, remove, move, copy and test", () => {
    const patched = applyJsonPatch(deployment, [
      { op: "test", path: "/spec/replicas", value: 1 },
      { op: "replace", path: "/spec/replicas", value: 3 },
      { op: "add", path: "/metadata/labels/tier", value: "front" },
      { op: "remove", path: "/metadata/labels/app" },
      { op: "add", path: "/spec/template/spec/containers/-", value: { name: "b", image: "y" } },
      { op: "copy", from: "/spec/template/spec/containers/0/image", path: "/metadata/labels/image" },
      { op: "move", from: "/metadata/labels/image", path: "/metadata/labels/first" },
      { op: "add", path: "/metadata/annotations", value: { "a~b/c": "1" } },
      { op: "replace", path: "/metadata/annotations/a~0b~1c", value: "2" },
    ]);
    expect(patched).toEqual({
      metadata: { name: "web", labels: { tier: "front", first: "x" }, annotations: { "a~b/c": "2" } },
      spec: {
        replicas: 3,
        template: {
          spec: {
            containers: [
              { name: "a", image: "x" },
              { name: "b", image: "y" },
            ],
          },
        },
      },
    });
  });

  it("never mutates the target or the operations", () => {
    const target = structuredClone(deployment);
    const operations = [{ op: "add", path: "/spec/extra", value: { nested: [1] } }];
    const result = applyJsonPatch(target, operations) as { spec: { extra: { nested: number[] } } };
    result.spec.extra.nested.push(2);
    expect(target).toEqual(deployment);
    expect(operations).toEqual([{ op: "add", path: "/spec/extra", value: { nested: [1] } }]);
  });

  it("answers a failed test with 422 Invalid, as kube-apiserver does", () => {
    const error = failure(deployment, [{ op: "test", path: "/spec/replicas", value: 2 }]);
    expect(error.code).toBe(422);
    expect(error.reason).toBe("Invalid");
    expect(error.message).toBe("the server rejected our request due to an error in our request");
    expect(error.details?.causes).toEqual([
      { reason: "UnexpectedServerResponse", message: "testing value /spec/replicas failed: test failed" },
    ]);
  });

  it("answers an operation on a missing path with 422", () => {
    expect(failure(deployment, [{ op: "remove", path: "/spec/missing" }]).code).toBe(422);
    expect(failure(deployment, [{ op: "add", path: "/metadata/annotations/x", value: "1" }]).code).toBe(422);
  });

  it("answers malformed operations with 400 BadRequest", () => {
    expect(failure(deployment, { op: "add" }).code).toBe(400);
    expect(failure(deployment, [{ op: "frobnicate", path: "/a" }]).code).toBe(400);
    expect(failure(deployment, [{ op: "add", path: "/a" }]).code).toBe(400);
    expect(failure(deployment, ["nope"]).code).toBe(400);
    expect(failure(deployment, [{ op: "move", path: "/a" }]).code).toBe(400);
  });
});
