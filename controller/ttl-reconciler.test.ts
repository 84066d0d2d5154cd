import { describe, expect, it } from "vitest";
import type { Execution, FunctionResource } from "../crds/index.ts";
import { ManualClock, ResourceClient, type KubeRequest } from "../runtime/index.ts";
import { TTL_ANNOTATION, ttlDecision, ttlReconciler, ttlSeconds } from "./ttl-reconciler.ts";

const now = Date.parse("2026-01-01T01:00:00Z");
const execution = (phase: string, extra: { ttl?: string; parent?: string; completedAt?: string } = {}): Execution => ({
  apiVersion: "kontinue.cloud/v1alpha1",
  kind: "Execution",
  metadata: {
    name: "e",
    namespace: "ns",
    ...(extra.ttl === undefined ? {} : { annotations: { [TTL_ANNOTATION]: extra.ttl } }),
  },
  spec: { function: "f", ...(extra.parent === undefined ? {} : { parent: { name: extra.parent, step: 0 } }) },
  status: { phase: phase as "Completed", completedAt: extra.completedAt ?? "2026-01-01T00:59:00Z" },
});
const root = { parentExists: false, functionTtl: undefined };

describe("ttlDecision", () => {
  it("keeps unfinished executions, and finished ones when no TTL is set", () => {
    expect(ttlDecision(execution("Executing", { ttl: "0" }), now, root)).toEqual({ delete: false });
    expect(ttlDecision(execution("Completed"), now, root)).toEqual({ delete: false });
  });

  it("deletes a root TTL seconds after it finished, and asks to look again then", () => {
    expect(ttlDecision(execution("Failed"), now, { ...root, functionTtl: 60 }).delete).toBe(true);
    expect(ttlDecision(execution("Completed"), now, { ...root, functionTtl: 120 })).toEqual({
      delete: false,
      requeueAfter: 60_000,
    });
  });

  it("lets the execution's annotation override the Function's default", () => {
    expect(ttlDecision(execution("Completed", { ttl: "600" }), now, { ...root, functionTtl: 0 })).toEqual({
      delete: false,
      requeueAfter: 540_000,
    });
    expect(ttlDecision(execution("Cancelled", { ttl: "0" }), now, { ...root, functionTtl: 3600 }).delete).toBe(true);
  });

  it("never deletes a child on its own while its parent exists; an orphaned finished child goes", () => {
    expect(
      ttlDecision(execution("Completed", { ttl: "0", parent: "p" }), now, { parentExists: true, functionTtl: 0 }),
    ).toEqual({ delete: false });
    expect(
      ttlDecision(execution("Completed", { parent: "p" }), now, { parentExists: false, functionTtl: undefined }),
    ).toMatchObject({ delete: true });
  });

  it("reads only whole, non-negative seconds", () => {
    expect([
      ttlSeconds("30"),
      ttlSeconds(30),
      ttlSeconds("-1"),
      ttlSeconds("1.5"),
      ttlSeconds("soon"),
      ttlSeconds(undefined),
    ]).toEqual([30, 30, undefined, undefined, undefined, undefined]);
  });
});

describe("ttlReconciler", () => {
  it("reads the Function's spec.ttlSecondsAfterFinished as the default, and deletes by uid", async () => {
    const deletes: KubeRequest[] = [];
    const fn = {
      metadata: { name: "f", namespace: "ns" },
      spec: { image: "i", functionName: "f", ttlSecondsAfterFinished: 30 },
    };
    const finished = { ...execution("Completed"), metadata: { name: "e", namespace: "ns", uid: "u-1" } };
    const reconcile = ttlReconciler({
      executions: { get: (_ns, name) => (name === "e" ? finished : undefined), list: () => [finished] },
      functions: { get: () => fn as unknown as FunctionResource, list: () => [] },
      client: new ResourceClient<Execution>(async (request) => void deletes.push(request), "executions"),
      clock: new ManualClock(now),
    });
    expect(await reconcile("ns/e")).toEqual({});
    expect(deletes.map((d) => [d.method, d.path, (d.body as { preconditions?: unknown }).preconditions])).toEqual([
      ["DELETE", "/apis/kontinue.cloud/v1alpha1/namespaces/ns/executions/e", { uid: "u-1" }],
    ]);
  });
});
