import { describe, expect, it } from "vitest";
import { isDeepStrictEqual } from "node:util";
import { deleteAt, fieldChanges, FieldSet, fieldSetOf, formatFieldPath, valueAt } from "./field-set.ts";

describe("FieldSet", () => {
  it("round-trips FieldsV1, marking members that have children with a dot", () => {
    const fields = {
      "f:metadata": { "f:labels": { ".": {}, "f:app": {} } },
      "f:spec": { "f:containers": { 'k:{"name":"web"}': { ".": {}, "f:image": {} } }, "f:replicas": {} },
    };
    const set = FieldSet.fromFieldsV1(fields);
    expect(set.has(["f:spec", "f:replicas"])).toBe(true);
    expect(set.has(["f:metadata", "f:labels"])).toBe(true);
    expect(set.has(["f:spec", "f:containers", 'k:{"name":"web"}'])).toBe(true);
    expect(set.has(["f:spec"])).toBe(false);
    expect(set.toFieldsV1()).toEqual(fields);
  });

  it("collects the leaves, keyed items and set values of an object, leaving identity metadata out", () => {
    const deployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: {
        name: "web",
        namespace: "n",
        uid: "u",
        resourceVersion: "1",
        labels: { app: "web" },
        finalizers: ["a"],
      },
      spec: {
        replicas: 2,
        template: { spec: { containers: [{ name: "web", image: "x", args: ["--v"] }] } },
        empty: {},
      },
    };
    const paths = fieldSetOf(deployment, { kind: "Deployment", schema: undefined })
      .paths()
      .map((path) => path.join(" "));
    expect(paths.sort()).toEqual(
      [
        "f:metadata f:labels f:app",
        'f:metadata f:finalizers v:"a"',
        "f:spec f:replicas",
        "f:spec f:empty",
        'f:spec f:template f:spec f:containers k:{"name":"web"}',
        'f:spec f:template f:spec f:containers k:{"name":"web"} f:name',
        'f:spec f:template f:spec f:containers k:{"name":"web"} f:image',
        'f:spec f:template f:spec f:containers k:{"name":"web"} f:args',
      ].sort(),
    );
  });

  it("reads, deletes and formats paths through keyed items and set values", () => {
    const object = {
      spec: {
        containers: [
          { name: "a", image: "1" },
          { name: "b", image: "2" },
        ],
      },
      metadata: { finalizers: ["x", "y"] },
    };
    const image = ["f:spec", "f:containers", 'k:{"name":"b"}', "f:image"];
    expect(valueAt(object, image)).toBe("2");
    expect(formatFieldPath(image)).toBe('.spec.containers[name="b"].image');
    expect(formatFieldPath(["f:metadata", "f:finalizers", 'v:"x"'])).toBe('.metadata.finalizers[="x"]');
    deleteAt(object, ["f:spec", "f:containers", 'k:{"name":"a"}']);
    deleteAt(object, ["f:metadata", "f:finalizers", 'v:"y"']);
    expect(object).toEqual({ spec: { containers: [{ name: "b", image: "2" }] }, metadata: { finalizers: ["x"] } });
  });
});

describe("fieldChanges", () => {
  const context = { kind: "Deployment", schema: undefined };
  const before = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", labels: { app: "web", tier: "front" }, finalizers: ["a", "b"] },
    spec: {
      replicas: 2,
      paused: {},
      template: {
        spec: {
          containers: [
            { name: "web", image: "x", args: ["--v"] },
            { name: "side", image: "s" },
          ],
        },
      },
    },
    status: { phase: "Running" },
  };
  const after = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", resourceVersion: "9", labels: { app: "web", tier: "back" }, finalizers: ["b", "c"] },
    spec: {
      replicas: 2,
      paused: {},
      template: {
        spec: {
          containers: [
            { name: "side", image: "s" },
            { name: "web", image: "y", args: ["--v"] },
            { name: "new", image: "n" },
          ],
        },
      },
    },
    status: { phase: ["Running"] },
  };

  it("finds the fields of the new object that the write added or gave another value", () => {
    const { fields, changed } = fieldChanges(before, after, context);
    expect(fields.paths()).toEqual(fieldSetOf(after, context).paths());
    expect(
      changed
        .paths()
        .map((path) => path.join(" "))
        .sort(),
    ).toEqual(
      [
        "f:metadata f:labels f:tier",
        'f:metadata f:finalizers v:"c"',
        'f:spec f:template f:spec f:containers k:{"name":"web"}',
        'f:spec f:template f:spec f:containers k:{"name":"web"} f:image',
        'f:spec f:template f:spec f:containers k:{"name":"new"}',
        'f:spec f:template f:spec f:containers k:{"name":"new"} f:name',
        'f:spec f:template f:spec f:containers k:{"name":"new"} f:image',
        "f:status f:phase",
      ].sort(),
    );
  });

  it("agrees with comparing each field's value before and after", () => {
    const beforeFields = fieldSetOf(before, context);
    const expected = fieldSetOf(after, context)
      .paths()
      .filter((path) => !beforeFields.has(path) || !isDeepStrictEqual(valueAt(before, path), valueAt(after, path)));
    expect(fieldChanges(before, after, context).changed.paths()).toEqual(expected);
    expect(fieldChanges(undefined, after, context).changed.paths()).toEqual(fieldSetOf(after, context).paths());
  });
});
