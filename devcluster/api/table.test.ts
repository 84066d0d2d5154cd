import { describe, expect, it } from "vitest";
import { builtinResources, resourceInfoFromCrd, type KubeObject } from "../registry/resource-info.ts";
import { humanDuration, printerColumnsFor, toTable } from "./table.ts";

const now = new Date("2026-01-10T12:00:00Z");

const crd: KubeObject = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "executions.kontinue.cloud" },
  spec: {
    group: "kontinue.cloud",
    scope: "Namespaced",
    names: { kind: "Execution", plural: "executions" },
    versions: [
      {
        name: "v1alpha1",
        served: true,
        additionalPrinterColumns: [
          { name: "Function", type: "string", jsonPath: ".spec.function" },
          { name: "Phase", type: "string", jsonPath: ".status.phase" },
          { name: "Attempt", type: "integer", jsonPath: ".status.attempt" },
          { name: "Ready", type: "string", jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
          { name: "First", type: "string", jsonPath: ".spec.items[0].name", priority: 1 },
          { name: "Cancel", type: "boolean", jsonPath: ".spec.cancelRequested" },
          { name: "Ratio", type: "number", jsonPath: ".status.ratio" },
          { name: "Args", type: "string", jsonPath: ".spec.arguments" },
          { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
        ],
      },
    ],
  },
};

const execution: KubeObject = {
  apiVersion: "kontinue.cloud/v1alpha1",
  kind: "Execution",
  metadata: {
    name: "process-order-abc123",
    namespace: "shop",
    creationTimestamp: "2026-01-10T11:55:00Z",
    resourceVersion: "42",
  },
  spec: {
    function: "processOrder",
    arguments: { orderId: "1" },
    items: [{ name: "a" }, { name: "b" }],
    cancelRequested: false,
  },
  status: {
    phase: "Executing",
    attempt: 2,
    ratio: 0.5,
    conditions: [
      { type: "Scaling", status: "False" },
      { type: "Ready", status: "True" },
    ],
  },
};

describe("humanDuration", () => {
  it("prints durations as kubectl does", () => {
    const s = 1000;
    expect(humanDuration(0)).toBe("0s");
    expect(humanDuration(-1500)).toBe("0s");
    expect(humanDuration(-5 * s)).toBe("<invalid>");
    expect(humanDuration(45 * s)).toBe("45s");
    expect(humanDuration(119 * s)).toBe("119s");
    expect(humanDuration(150 * s)).toBe("2m30s");
    expect(humanDuration(300 * s)).toBe("5m");
    expect(humanDuration(90 * 60 * s)).toBe("90m");
    expect(humanDuration((3 * 3600 + 10 * 60) * s)).toBe("3h10m");
    expect(humanDuration(10 * 3600 * s)).toBe("10h");
    expect(humanDuration(51 * 3600 * s)).toBe("2d3h");
    expect(humanDuration(72 * 3600 * s)).toBe("3d");
    expect(humanDuration(400 * 86400 * s)).toBe("400d");
    expect(humanDuration(750 * 86400 * s)).toBe("2y20d");
    expect(humanDuration(3650 * 86400 * s)).toBe("10y");
  });
});

describe("toTable for custom resources", () => {
  const [info] = resourceInfoFromCrd(crd);
  const columns = printerColumnsFor(info!);

  it("renders Name then the printer columns, typed, with missing values as null", () => {
    const table = toTable({
      columns,
      objects: [execution, { ...execution, metadata: { ...execution.metadata, name: "bare" }, spec: {}, status: {} }],
      includeObject: "Metadata",
      now,
      resourceVersion: "42",
      withColumnDefinitions: true,
    });
    expect(table.kind).toBe("Table");
    expect(table.apiVersion).toBe("meta.k8s.io/v1");
    expect(table.metadata).toEqual({ resourceVersion: "42" });
    expect(table.columnDefinitions.map((column) => [column.name, column.type, column.priority])).toEqual([
      ["Name", "string", 0],
      ["Function", "string", 0],
      ["Phase", "string", 0],
      ["Attempt", "integer", 0],
      ["Ready", "string", 0],
      ["First", "string", 1],
      ["Cancel", "boolean", 0],
      ["Ratio", "number", 0],
      ["Args", "string", 0],
      ["Age", "date", 0],
    ]);
    expect(table.columnDefinitions[0]!.format).toBe("name");
    expect(table.rows[0]!.cells).toEqual([
      "process-order-abc123",
      "processOrder",
      "Executing",
      2,
      "True",
      "a",
      false,
      0.5,
      "map[orderId:1]",
      "5m",
    ]);
    expect(table.rows[1]!.cells).toEqual(["bare", null, null, null, null, null, null, null, null, "5m"]);
  });

  it("prints structured values as Go does and bad dates as <invalid>, as kube's table convertor does", () => {
    const odd = {
      ...execution,
      metadata: { ...execution.metadata, creationTimestamp: "yesterday" },
      spec: { function: ["a", { b: [1, true] }], arguments: { z: 1, a: null } },
      status: { attempt: "two" },
    };
    const row = toTable({
      columns,
      objects: [odd],
      includeObject: "None",
      now,
      resourceVersion: "1",
      withColumnDefinitions: true,
    }).rows[0]!;
    expect(row.cells[1]).toBe("[a map[b:[1 true]]]");
    expect(row.cells[3]).toBeNull();
    expect(row.cells[8]).toBe("map[a:<nil> z:1]");
    expect(row.cells[9]).toBe("<invalid>");
  });

  it("carries PartialObjectMetadata, the whole object, or nothing", () => {
    const options = { columns, objects: [execution], now, resourceVersion: "42", withColumnDefinitions: true };
    expect(toTable({ ...options, includeObject: "Metadata" }).rows[0]!.object).toEqual({
      kind: "PartialObjectMetadata",
      apiVersion: "meta.k8s.io/v1",
      metadata: execution.metadata,
    });
    expect(toTable({ ...options, includeObject: "Object" }).rows[0]!.object).toEqual(execution);
    expect(toTable({ ...options, includeObject: "None" }).rows[0]).not.toHaveProperty("object");
  });

  it("leaves column definitions out of later watch events and passes the continue token", () => {
    const table = toTable({
      columns,
      objects: [execution],
      includeObject: "Metadata",
      now,
      resourceVersion: "42",
      continueToken: "abc",
      withColumnDefinitions: false,
    });
    expect(table.columnDefinitions).toEqual([]);
    expect(table.metadata).toEqual({ resourceVersion: "42", continue: "abc" });
  });

  it("defaults to Name and Age", () => {
    const bare = structuredClone(crd);
    delete (bare.spec as { versions: { additionalPrinterColumns?: unknown }[] }).versions[0]!.additionalPrinterColumns;
    const table = toTable({
      columns: printerColumnsFor(resourceInfoFromCrd(bare)[0]!),
      objects: [execution],
      includeObject: "None",
      now,
      resourceVersion: "1",
      withColumnDefinitions: true,
    });
    expect(table.columnDefinitions.map((column) => column.name)).toEqual(["Name", "Age"]);
    expect(table.rows[0]!.cells).toEqual(["process-order-abc123", "5m"]);
  });
});

describe("toTable for built-in kinds", () => {
  const byKind = (kind: string) => builtinResources.find((info) => info.kind === kind)!;
  const render = (kind: string, object: KubeObject) =>
    toTable({
      columns: printerColumnsFor(byKind(kind)),
      objects: [object],
      includeObject: "None",
      now,
      resourceVersion: "1",
      withColumnDefinitions: true,
    });

  it("computes a Deployment's Ready, Up-to-date, Available, Age and wide columns", () => {
    const deployment: KubeObject = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", creationTimestamp: "2026-01-08T09:00:00Z" },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: "web" } },
        template: {
          spec: {
            containers: [
              { name: "web", image: "nginx:1" },
              { name: "proxy", image: "envoy:2" },
            ],
          },
        },
      },
      status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
    };
    const table = render("Deployment", deployment);
    expect(table.columnDefinitions.map((column) => [column.name, column.priority])).toEqual([
      ["Name", 0],
      ["Ready", 0],
      ["Up-to-date", 0],
      ["Available", 0],
      ["Age", 0],
      ["Containers", 1],
      ["Images", 1],
      ["Selector", 1],
    ]);
    expect(table.rows[0]!.cells).toEqual(["web", "2/3", 3, 2, "2d3h", "web,proxy", "nginx:1,envoy:2", "app=web"]);
    const fresh = render("Deployment", {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "new", creationTimestamp: "2026-01-10T12:00:00Z" },
      spec: { replicas: 1 },
    });
    expect(fresh.rows[0]!.cells).toEqual(["new", "0/1", 0, 0, "0s", "", "", "<none>"]);
  });

  it("counts ConfigMap and Secret data, and prints Namespace status and CRD creation time", () => {
    expect(
      render("ConfigMap", {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "c", creationTimestamp: "2026-01-10T11:59:00Z" },
        data: { a: "1", b: "2" },
        binaryData: { c: "AA==" },
      }).rows[0]!.cells,
    ).toEqual(["c", 3, "60s"]);
    expect(
      render("Secret", {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "s", creationTimestamp: "2026-01-10T11:59:00Z" },
        data: { a: "MQ==" },
      }).rows[0]!.cells,
    ).toEqual(["s", "Opaque", 1, "60s"]);
    expect(
      render("Namespace", {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: { name: "n", creationTimestamp: "2026-01-10T11:59:00Z" },
        status: { phase: "Terminating" },
      }).rows[0]!.cells,
    ).toEqual(["n", "Terminating", "60s"]);
    expect(
      render("CustomResourceDefinition", {
        apiVersion: "apiextensions.k8s.io/v1",
        kind: "CustomResourceDefinition",
        metadata: { name: "x.y", creationTimestamp: "2026-01-10T11:59:00Z" },
      }).rows[0]!.cells,
    ).toEqual(["x.y", "2026-01-10T11:59:00Z"]);
  });

  it("prints Events with Last Seen first and Name last", () => {
    const event: KubeObject = {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: "process-order.1", creationTimestamp: "2026-01-10T11:00:00Z" },
      involvedObject: { kind: "Execution", name: "process-order" },
      lastTimestamp: "2026-01-10T11:58:00Z",
      type: "Normal",
      reason: "Claimed",
      message: "claimed by worker-1",
      source: { component: "kontinue-worker" },
      count: 2,
    };
    expect(render("Event", event).rows[0]!.cells).toEqual([
      "2m",
      "Normal",
      "Claimed",
      "execution/process-order",
      "kontinue-worker",
      "claimed by worker-1",
      2,
      "process-order.1",
    ]);
  });

  it("prints a Pod's readiness, restarts and status", () => {
    const pod: KubeObject = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p", creationTimestamp: "2026-01-10T11:59:00Z" },
      spec: { containers: [{ name: "a" }, { name: "b" }], nodeName: "local" },
      status: {
        phase: "Running",
        podIP: "10.0.0.1",
        containerStatuses: [
          { ready: true, restartCount: 1 },
          { ready: false, restartCount: 2 },
        ],
      },
    };
    expect(render("Pod", pod).rows[0]!.cells).toEqual(["p", "1/2", "Running", "3", "60s", "10.0.0.1", "local"]);
  });
});
