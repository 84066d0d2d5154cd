import { describe, expect, it } from "vitest";
import { ApiError } from "../registry/api-error.ts";
import { evaluateJsonPath, parseJsonPath } from "./json-path.ts";

const object = {
  metadata: { name: "x", labels: { "app.kubernetes.io/name": "web" } },
  spec: {
    containers: [
      { name: "a", image: "i1" },
      { name: "b", image: "i2" },
    ],
  },
  status: {
    conditions: [
      { type: "Ready", status: "True" },
      { type: "Scaling", status: "False" },
    ],
    replicas: 3,
  },
};

const select = (path: string) => evaluateJsonPath(parseJsonPath(path), object);

describe("JSONPath for printer columns", () => {
  it("follows fields, indexes and wildcards", () => {
    expect(select(".metadata.name")).toEqual(["x"]);
    expect(select(".status.replicas")).toEqual([3]);
    expect(select(".spec.containers[1].image")).toEqual(["i2"]);
    expect(select(".spec.containers[-1].name")).toEqual(["b"]);
    expect(select(".spec.containers[*].name")).toEqual(["a", "b"]);
    expect(select("{.spec.containers[0].name}")).toEqual(["a"]);
    expect(select(".metadata.labels['app.kubernetes.io/name']")).toEqual(["web"]);
    expect(select(".metadata.labels.app\\.kubernetes\\.io/name")).toEqual(["web"]);
  });

  it("filters list items", () => {
    expect(select('.status.conditions[?(@.type=="Ready")].status')).toEqual(["True"]);
    expect(select(".status.conditions[?(@.type=='Scaling')].status")).toEqual(["False"]);
    expect(select('.status.conditions[?(@.type!="Ready")].type')).toEqual(["Scaling"]);
  });

  it("selects nothing for missing fields", () => {
    expect(select(".status.missing.deeper")).toEqual([]);
    expect(select(".spec.containers[5].name")).toEqual([]);
    expect(select(".metadata.name[0]")).toEqual([]);
  });

  it("rejects what it does not understand with 400", () => {
    expect(() => parseJsonPath(".a[?(@.x > 1)]")).toThrow(ApiError);
    expect(() => parseJsonPath(".a[0")).toThrow(ApiError);
  });
});
