import { describe, expect, it } from "vitest";
import { ApiError } from "./api-error.ts";
import { applyStrategicMergePatch } from "./strategic-merge-patch.ts";

const deployment = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", labels: { app: "web" }, finalizers: ["a", "b"] },
  spec: {
    replicas: 1,
    strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1 } },
    template: {
      spec: {
        containers: [
          {
            name: "web",
            image: "nginx:1",
            env: [
              { name: "A", value: "1" },
              { name: "B", value: "2" },
            ],
            ports: [{ containerPort: 80, name: "http" }],
          },
          { name: "sidecar", image: "envoy:1" },
        ],
        volumes: [{ name: "data", emptyDir: {} }],
      },
    },
  },
};

type Container = { name: string; image: string; env?: { name: string; value: string }[]; ports?: unknown[] };
type Deployment = typeof deployment & { spec: { template: { spec: { containers: Container[] } } } };

function apply(patch: unknown): Deployment {
  return applyStrategicMergePatch(deployment, patch, "Deployment") as Deployment;
}

describe("applyStrategicMergePatch", () => {
  it("merges containers by name instead of replacing the list", () => {
    const result = apply({ spec: { template: { spec: { containers: [{ name: "web", image: "nginx:2" }] } } } });
    expect(result.spec.template.spec.containers.map((c) => [c.name, c.image])).toEqual([
      ["web", "nginx:2"],
      ["sidecar", "envoy:1"],
    ]);
    expect(result.spec.template.spec.containers[0]!.env).toHaveLength(2);
  });

  it("merges env by name and ports by containerPort, appending new items", () => {
    const result = apply({
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: "web",
                env: [
                  { name: "B", value: "3" },
                  { name: "C", value: "4" },
                ],
                ports: [{ containerPort: 443, name: "https" }],
              },
            ],
          },
        },
      },
    });
    const web = result.spec.template.spec.containers[0]!;
    expect(web.env).toEqual([
      { name: "A", value: "1" },
      { name: "B", value: "3" },
      { name: "C", value: "4" },
    ]);
    expect(web.ports).toEqual([
      { containerPort: 80, name: "http" },
      { containerPort: 443, name: "https" },
    ]);
  });

  it("deletes a keyed item with $patch: delete and a field with null", () => {
    const result = apply({
      metadata: { labels: { app: null } },
      spec: { template: { spec: { containers: [{ name: "sidecar", $patch: "delete" }] } } },
    });
    expect(result.spec.template.spec.containers.map((c) => c.name)).toEqual(["web"]);
    expect(result.metadata.labels).toEqual({});
  });

  it("replaces a list or a map with $patch: replace", () => {
    const list = apply({
      spec: { template: { spec: { containers: [{ $patch: "replace" }, { name: "only", image: "x" }] } } },
    });
    expect(list.spec.template.spec.containers).toEqual([{ name: "only", image: "x" }]);
    const map = apply({ spec: { strategy: { $patch: "replace", type: "Recreate" } } });
    expect(map.spec.strategy).toEqual({ type: "Recreate" });
  });

  it("deletes a whole map with $patch: delete", () => {
    expect(apply({ spec: { strategy: { $patch: "delete" } } }).spec).not.toHaveProperty("strategy");
  });

  it("orders a merged list by $setElementOrder, as kubectl apply sends", () => {
    const result = apply({
      spec: {
        template: {
          spec: {
            "$setElementOrder/containers": [{ name: "sidecar" }, { name: "web" }],
            containers: [{ name: "web", image: "nginx:3" }],
          },
        },
      },
    });
    expect(result.spec.template.spec.containers.map((c) => [c.name, c.image])).toEqual([
      ["sidecar", "envoy:1"],
      ["web", "nginx:3"],
    ]);
  });

  it("interleaves server-only items where their live position puts them, as kube's mergeSortedSlice does", () => {
    const live = { spec: { containers: [{ name: "a" }, { name: "injected" }, { name: "b" }] } };
    const patch = {
      spec: {
        "$setElementOrder/containers": [{ name: "b" }, { name: "a" }, { name: "new" }],
        containers: [{ name: "new" }],
      },
    };
    const result = applyStrategicMergePatch(live, patch, "Pod") as { spec: { containers: { name: string }[] } };
    expect(result.spec.containers.map((c) => c.name)).toEqual(["injected", "b", "a", "new"]);
    const appended = applyStrategicMergePatch(
      { spec: { containers: [{ name: "web" }, { name: "injected" }] } },
      { spec: { "$setElementOrder/containers": [{ name: "web" }, { name: "new" }], containers: [{ name: "new" }] } },
      "Pod",
    ) as typeof result;
    expect(appended.spec.containers.map((c) => c.name)).toEqual(["web", "injected", "new"]);
    const finalizers = applyStrategicMergePatch(
      { metadata: { finalizers: ["x", "y"] } },
      { metadata: { "$setElementOrder/finalizers": ["y", "x"] } },
      "Pod",
    );
    expect(finalizers).toEqual({ metadata: { finalizers: ["y", "x"] } });
  });

  it("keeps only $retainKeys in a map", () => {
    const result = apply({ spec: { strategy: { $retainKeys: ["type"], type: "Recreate" } } });
    expect(result.spec.strategy).toEqual({ type: "Recreate" });
  });

  it("removes values from a primitive list with $deleteFromPrimitiveList and merges finalizers as a set", () => {
    expect(apply({ metadata: { "$deleteFromPrimitiveList/finalizers": ["a"] } }).metadata.finalizers).toEqual(["b"]);
    expect(apply({ metadata: { finalizers: ["b", "c"] } }).metadata.finalizers).toEqual(["a", "b", "c"]);
  });

  it("replaces lists that have no merge key", () => {
    const result = applyStrategicMergePatch({ spec: { args: ["a", "b"] } }, { spec: { args: ["c"] } }, "Deployment");
    expect(result).toEqual({ spec: { args: ["c"] } });
  });

  it("does what kubectl apply sends for a Deployment: annotation, order and a changed image", () => {
    const result = apply({
      metadata: { annotations: { "kubectl.kubernetes.io/last-applied-configuration": "{}" } },
      spec: {
        replicas: 2,
        template: {
          spec: {
            "$setElementOrder/containers": [{ name: "web" }, { name: "sidecar" }],
            containers: [{ image: "nginx:2", name: "web" }],
          },
        },
      },
    });
    expect(result.metadata).toMatchObject({
      annotations: { "kubectl.kubernetes.io/last-applied-configuration": "{}" },
      labels: { app: "web" },
    });
    expect(result.spec.replicas).toBe(2);
    expect(result.spec.template.spec.containers.map((c) => c.image)).toEqual(["nginx:2", "envoy:1"]);
  });

  it("never mutates its inputs", () => {
    const before = structuredClone(deployment);
    const patch = { spec: { template: { spec: { containers: [{ name: "web", image: "nginx:9" }] } } } };
    const patchBefore = structuredClone(patch);
    apply(patch);
    expect(deployment).toEqual(before);
    expect(patch).toEqual(patchBefore);
  });

  it("answers malformed patches with 400", () => {
    for (const bad of [
      [1],
      { spec: { template: { spec: { containers: [{ image: "no-name" }] } } } },
      { spec: { $patch: "explode" } },
    ]) {
      let error: unknown;
      try {
        apply(bad);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).code).toBe(400);
    }
  });
});
