import { describe, expect, it } from "vitest";
import { ApiError } from "./api-error.ts";
import { FieldSet } from "./field-set.ts";
import type { KubeObject } from "./resource-info.ts";
import { recordUpdateManager, serverSideApply } from "./server-side-apply.ts";

const now = "2026-01-01T00:00:00Z";
const later = "2026-01-01T00:05:00Z";

function execution(spec: Record<string, unknown>, metadata: KubeObject["metadata"] = {}): KubeObject {
  return {
    apiVersion: "kontinue.cloud/v1alpha1",
    kind: "Execution",
    metadata: { name: "e", namespace: "shop", ...metadata },
    spec,
  };
}

function managers(object: KubeObject): Record<string, unknown> {
  return Object.fromEntries(
    (object.metadata.managedFields ?? []).map((entry) => [
      `${entry.manager}/${entry.operation}${entry.subresource ? `/${entry.subresource}` : ""}`,
      entry.fieldsV1,
    ]),
  );
}

function conflictOf(run: () => unknown): ApiError {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error("no conflict");
}

describe("serverSideApply", () => {
  it("creates an object and records the applier's fields in FieldsV1", () => {
    const created = serverSideApply({
      live: undefined,
      applied: execution({ function: "processOrder", arguments: { orderId: "1" } }, { labels: { a: "1" } }),
      manager: "kubectl",
      force: false,
      now,
    });
    expect(created.spec).toEqual({ function: "processOrder", arguments: { orderId: "1" } });
    expect(created.metadata.managedFields).toEqual([
      {
        manager: "kubectl",
        operation: "Apply",
        apiVersion: "kontinue.cloud/v1alpha1",
        time: now,
        fieldsType: "FieldsV1",
        fieldsV1: {
          "f:metadata": { "f:labels": { "f:a": {} } },
          "f:spec": { "f:arguments": { "f:orderId": {} }, "f:function": {} },
        },
      },
    ]);
  });

  it("merges into the live object and removes fields the manager stopped applying", () => {
    const first = serverSideApply({
      live: undefined,
      applied: execution({ function: "f", idempotencyKey: "k" }, { labels: { a: "1", b: "2" } }),
      manager: "kubectl",
      force: false,
      now,
    });
    const live = { ...first, status: { phase: "Pending" } };
    const second = serverSideApply({
      live,
      applied: execution({ function: "f" }, { labels: { a: "1" } }),
      manager: "kubectl",
      force: false,
      now: later,
    });
    expect(second.spec).toEqual({ function: "f" });
    expect(second.metadata.labels).toEqual({ a: "1" });
    expect(second.status).toEqual({ phase: "Pending" });
    expect(second.metadata.managedFields?.[0]?.time).toBe(later);
  });

  it("keeps a field another manager also owns when this manager stops applying it", () => {
    const first = serverSideApply({
      live: undefined,
      applied: execution({ function: "f", idempotencyKey: "k" }),
      manager: "a",
      force: false,
      now,
    });
    const shared = serverSideApply({
      live: first,
      applied: execution({ idempotencyKey: "k" }),
      manager: "b",
      force: false,
      now,
    });
    const dropped = serverSideApply({
      live: shared,
      applied: execution({ function: "f" }),
      manager: "a",
      force: false,
      now,
    });
    expect(dropped.spec).toEqual({ function: "f", idempotencyKey: "k" });
  });

  it("answers a field another manager set to a different value with 409 Conflict naming manager and field", () => {
    const created = recordUpdateManager({
      before: undefined,
      after: execution({ function: "processOrder" }),
      manager: "kubectl-client-side-apply",
      operation: "Update",
      now,
    });
    const error = conflictOf(() =>
      serverSideApply({
        live: created,
        applied: execution({ function: "chargeCard" }),
        manager: "kubectl",
        force: false,
        now,
      }),
    );
    expect(error.code).toBe(409);
    expect(error.reason).toBe("Conflict");
    expect(error.message).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using kontinue.cloud/v1alpha1: ' +
        ".spec.function",
    );
    expect(error.details?.causes).toEqual([
      {
        reason: "FieldManagerConflict",
        message: 'conflict with "kubectl-client-side-apply" using kontinue.cloud/v1alpha1',
        field: ".spec.function",
      },
    ]);
  });

  it("does not conflict when the value is the same, and then shares ownership", () => {
    const created = recordUpdateManager({
      before: undefined,
      after: execution({ function: "processOrder" }),
      manager: "kubectl-client-side-apply",
      operation: "Update",
      now,
    });
    const applied = serverSideApply({
      live: created,
      applied: execution({ function: "processOrder" }),
      manager: "kubectl",
      force: false,
      now,
    });
    expect(Object.keys(managers(applied)).sort()).toEqual(["kubectl-client-side-apply/Update", "kubectl/Apply"]);
  });

  it("moves ownership with force", () => {
    const created = recordUpdateManager({
      before: undefined,
      after: execution({ function: "processOrder", idempotencyKey: "k" }),
      manager: "kubectl-client-side-apply",
      operation: "Update",
      now,
    });
    const forced = serverSideApply({
      live: created,
      applied: execution({ function: "chargeCard" }),
      manager: "kubectl",
      force: true,
      now,
    });
    expect(forced.spec).toEqual({ function: "chargeCard", idempotencyKey: "k" });
    expect(managers(forced)).toEqual({
      "kubectl-client-side-apply/Update": { "f:spec": { "f:idempotencyKey": {} } },
      "kubectl/Apply": { "f:spec": { "f:function": {} } },
    });
  });

  it("lists every conflict, several per manager", () => {
    const created = recordUpdateManager({
      before: undefined,
      after: execution({ function: "a", idempotencyKey: "k" }),
      manager: "other",
      operation: "Update",
      now,
    });
    const error = conflictOf(() =>
      serverSideApply({
        live: created,
        applied: execution({ function: "b", idempotencyKey: "j" }),
        manager: "kubectl",
        force: false,
        now,
      }),
    );
    expect(error.message).toBe(
      'Apply failed with 2 conflicts: conflicts with "other" using kontinue.cloud/v1alpha1:\n- .spec.function\n- ' +
        ".spec.idempotencyKey",
    );
  });

  it("names an applier without its version, and groups conflicts by manager", () => {
    const first = serverSideApply({
      live: undefined,
      applied: execution({ function: "a", idempotencyKey: "k" }),
      manager: "kubectl",
      force: false,
      now,
    });
    const single = conflictOf(() =>
      serverSideApply({ live: first, applied: execution({ function: "b" }), manager: "other", force: false, now }),
    );
    expect(single.message).toBe('Apply failed with 1 conflict: conflict with "kubectl": .spec.function');
    const both = recordUpdateManager({
      before: first,
      after: { ...first, spec: { function: "a", idempotencyKey: "z" } },
      manager: "editor",
      operation: "Update",
      now,
    });
    const double = conflictOf(() =>
      serverSideApply({
        live: both,
        applied: execution({ function: "b", idempotencyKey: "y" }),
        manager: "other",
        force: false,
        now,
      }),
    );
    expect(double.message).toBe(
      'Apply failed with 2 conflicts: conflicts with "editor" using kontinue.cloud/v1alpha1:\n- ' +
        '.spec.idempotencyKey\nconflicts with "kubectl":\n- .spec.function',
    );
    expect(double.details?.causes?.map((cause) => cause.message).sort()).toEqual([
      'conflict with "editor" using kontinue.cloud/v1alpha1',
      'conflict with "kubectl"',
    ]);
  });

  it("merges keyed lists of built-ins by key and tracks items with k: paths", () => {
    const deployment = (containers: unknown[]): KubeObject => ({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web" },
      spec: { replicas: 1, template: { spec: { containers } } },
    });
    const first = serverSideApply({
      live: undefined,
      applied: deployment([{ name: "web", image: "nginx:1" }]),
      manager: "kubectl",
      force: false,
      now,
    });
    const withSidecar = serverSideApply({
      live: first,
      applied: deployment([{ name: "sidecar", image: "envoy" }]),
      manager: "mesh",
      force: false,
      now,
    });
    const containers = (withSidecar.spec as { template: { spec: { containers: { name: string }[] } } }).template.spec
      .containers;
    expect(containers.map((c) => c.name).sort()).toEqual(["sidecar", "web"]);
    const fields = FieldSet.fromFieldsV1(
      withSidecar.metadata.managedFields!.find((entry) => entry.manager === "kubectl")!.fieldsV1,
    );
    expect(fields.has(["f:spec", "f:template", "f:spec", "f:containers", 'k:{"name":"web"}', "f:image"])).toBe(true);
    const error = conflictOf(() =>
      serverSideApply({
        live: withSidecar,
        applied: deployment([{ name: "web", image: "nginx:2" }]),
        manager: "mesh",
        force: false,
        now,
      }),
    );
    expect(error.message).toContain('.spec.template.spec.containers[name="web"].image');
  });

  it("removes a keyed item the manager stopped applying, unless another manager owns part of it", () => {
    const deployment = (containers: unknown[]): KubeObject => ({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web" },
      spec: { template: { spec: { containers } } },
    });
    const names = (object: KubeObject) =>
      (object.spec as { template: { spec: { containers: { name: string }[] } } }).template.spec.containers.map(
        (c) => c.name,
      );
    const both = serverSideApply({
      live: undefined,
      applied: deployment([
        { name: "web", image: "a" },
        { name: "sidecar", image: "b" },
      ]),
      manager: "kubectl",
      force: false,
      now,
    });
    expect(
      names(
        serverSideApply({
          live: both,
          applied: deployment([{ name: "web", image: "a" }]),
          manager: "kubectl",
          force: false,
          now,
        }),
      ),
    ).toEqual(["web"]);
    const shared = serverSideApply({
      live: both,
      applied: deployment([{ name: "sidecar", image: "b" }]),
      manager: "mesh",
      force: false,
      now,
    });
    expect(
      names(
        serverSideApply({
          live: shared,
          applied: deployment([{ name: "web", image: "a" }]),
          manager: "kubectl",
          force: false,
          now,
        }),
      ),
    ).toEqual(["web", "sidecar"]);
  });

  it("orders merged keyed lists as structured-merge-diff does: live-only items keep their places", () => {
    const pod = (containers: unknown[]): KubeObject => ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p" },
      spec: { containers },
    });
    const names = (object: KubeObject) =>
      (object.spec as { containers: { name: string }[] }).containers.map((c) => c.name);
    const live = recordUpdateManager({
      before: undefined,
      after: pod([{ name: "a" }, { name: "injected" }, { name: "b" }]),
      manager: "other",
      operation: "Update",
      now,
    });
    expect(
      names(
        serverSideApply({
          live,
          applied: pod([{ name: "b" }, { name: "a" }, { name: "new" }]),
          manager: "kubectl",
          force: false,
          now,
        }),
      ),
    ).toEqual(["injected", "b", "a", "new"]);
    expect(
      names(
        serverSideApply({
          live,
          applied: pod([{ name: "a" }, { name: "new" }, { name: "b" }]),
          manager: "kubectl",
          force: false,
          now,
        }),
      ),
    ).toEqual(["a", "injected", "new", "b"]);
  });

  it("merges x-kubernetes-list-type: map lists of custom resources by their keys", () => {
    const schema = {
      type: "object" as const,
      properties: {
        spec: {
          type: "object" as const,
          properties: {
            ports: {
              type: "array" as const,
              "x-kubernetes-list-type": "map" as const,
              "x-kubernetes-list-map-keys": ["port"],
              items: { type: "object" as const },
            },
          },
        },
      },
    };
    const first = serverSideApply({
      live: undefined,
      applied: execution({ ports: [{ port: 80, name: "a" }] }),
      manager: "a",
      force: false,
      now,
      schema,
    });
    const second = serverSideApply({
      live: first,
      applied: execution({ ports: [{ port: 81, name: "b" }] }),
      manager: "b",
      force: false,
      now,
      schema,
    });
    expect(second.spec).toEqual({
      ports: [
        { port: 80, name: "a" },
        { port: 81, name: "b" },
      ],
    });
    const atomic = serverSideApply({
      live: first,
      applied: execution({ ports: [{ port: 81, name: "b" }] }),
      manager: "a",
      force: false,
      now,
    });
    expect(atomic.spec).toEqual({ ports: [{ port: 81, name: "b" }] });
  });

  it("owns only status fields through the status subresource", () => {
    const live = { ...execution({ function: "f" }), status: { phase: "Pending" } };
    const applied = { ...execution({ function: "ignored" }), status: { phase: "Completed" } };
    const result = serverSideApply({ live, applied, manager: "worker", force: false, now, subresource: "status" });
    expect(result.spec).toEqual({ function: "f" });
    expect(result.status).toEqual({ phase: "Completed" });
    expect(result.metadata.managedFields).toEqual([
      expect.objectContaining({
        manager: "worker",
        subresource: "status",
        fieldsV1: { "f:status": { "f:phase": {} } },
      }),
    ]);
  });

  it("never mutates its inputs", () => {
    const live = serverSideApply({
      live: undefined,
      applied: execution({ function: "f", a: 1 }),
      manager: "kubectl",
      force: false,
      now,
    });
    const before = structuredClone(live);
    const applied = execution({ function: "g" });
    const appliedBefore = structuredClone(applied);
    serverSideApply({ live, applied, manager: "kubectl", force: false, now });
    expect(live).toEqual(before);
    expect(applied).toEqual(appliedBefore);
  });
});

describe("recordUpdateManager", () => {
  it("gives the writer the fields it set on create", () => {
    const created = recordUpdateManager({
      before: undefined,
      after: execution({ function: "f" }, { labels: { a: "1" }, uid: "u", resourceVersion: "5" }),
      manager: "kubectl-create",
      operation: "Update",
      now,
    });
    expect(managers(created)).toEqual({
      "kubectl-create/Update": { "f:metadata": { "f:labels": { "f:a": {} } }, "f:spec": { "f:function": {} } },
    });
  });

  it("moves changed fields to the writer and forgets removed ones", () => {
    const created = recordUpdateManager({
      before: undefined,
      after: execution({ function: "f", idempotencyKey: "k", cancelRequested: false }),
      manager: "a",
      operation: "Update",
      now,
    });
    const changed = { ...created, spec: { function: "g", cancelRequested: false } };
    const updated = recordUpdateManager({
      before: created,
      after: changed,
      manager: "b",
      operation: "Update",
      now: later,
    });
    expect(managers(updated)).toEqual({
      "a/Update": { "f:spec": { "f:cancelRequested": {} } },
      "b/Update": { "f:spec": { "f:function": {} } },
    });
    expect(updated.metadata.managedFields?.find((entry) => entry.manager === "b")?.time).toBe(later);
  });

  it("keeps status writers apart from spec writers", () => {
    const created = recordUpdateManager({
      before: undefined,
      after: execution({ function: "f" }),
      manager: "kubectl",
      operation: "Update",
      now,
    });
    const withStatus = { ...created, status: { phase: "Executing" } };
    const recorded = recordUpdateManager({
      before: created,
      after: withStatus,
      manager: "worker",
      operation: "Update",
      now,
      subresource: "status",
    });
    expect(managers(recorded)).toEqual({
      "kubectl/Update": { "f:spec": { "f:function": {} } },
      "worker/Update/status": { "f:status": { "f:phase": {} } },
    });
  });
});

describe("serverSideApply with a status subresource", () => {
  it("neither owns nor conflicts on status when applying the main resource", () => {
    const created = serverSideApply({
      live: undefined,
      applied: execution({ function: "f" }),
      manager: "kubectl",
      force: false,
      now,
    });
    const withStatus = recordUpdateManager({
      before: created,
      after: { ...created, status: { phase: "Completed" } },
      manager: "kubectl-patch",
      operation: "Update",
      now,
      subresource: "status",
    });
    const applied = { ...execution({ function: "f" }), status: { phase: "Executing" } };
    const inferred = serverSideApply({ live: withStatus, applied, manager: "kubectl", force: false, now });
    expect(inferred.status).toEqual({ phase: "Completed" });
    expect(managers(inferred)["kubectl/Apply"]).toEqual({ "f:spec": { "f:function": {} } });
    const explicit = serverSideApply({
      live: created,
      applied,
      manager: "kubectl",
      force: false,
      now,
      resetFields: ["status"],
    });
    expect(explicit).not.toHaveProperty("status");
  });
});
