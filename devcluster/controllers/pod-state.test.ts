import { describe, expect, it } from "vitest";
import type { KubeObject } from "../registry/index.ts";
import { isPodAvailable, podsToDelete } from "./pod-state.ts";

function pod(
  name: string,
  options: {
    node?: boolean;
    phase?: string;
    ready?: boolean;
    cost?: number;
    readySince?: string;
    created?: string;
    restarts?: number;
  } = {},
): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      creationTimestamp: options.created ?? "2026-01-01T00:00:00Z",
      ...(options.cost !== undefined
        ? { annotations: { "controller.kubernetes.io/pod-deletion-cost": String(options.cost) } }
        : {}),
    },
    spec: options.node === false ? {} : { nodeName: "devcluster" },
    status: {
      phase: options.phase ?? "Running",
      conditions: [
        {
          type: "Ready",
          status: options.ready === false ? "False" : "True",
          lastTransitionTime: options.readySince ?? "2026-01-01T00:00:10Z",
        },
      ],
      containerStatuses: [{ restartCount: options.restarts ?? 0 }],
    },
  };
}

const names = (pods: KubeObject[]) => pods.map((p) => p.metadata.name);

describe("podsToDelete", () => {
  it("takes unscheduled, then Pending, then not-ready Pods before ready ones", () => {
    const pods = [
      pod("ready"),
      pod("not-ready", { ready: false }),
      pod("pending", { phase: "Pending", ready: false }),
      pod("unscheduled", { node: false, phase: "Pending", ready: false }),
    ];
    expect(names(podsToDelete(pods, 4))).toEqual(["unscheduled", "pending", "not-ready", "ready"]);
  });

  it("takes the lowest pod-deletion-cost first among ready Pods (busy workers last)", () => {
    const pods = [pod("busy", { cost: 100 }), pod("idle", { cost: -1 }), pod("default")];
    expect(names(podsToDelete(pods, 2))).toEqual(["idle", "default"]);
  });

  it("then the most recently ready, then more restarts, then the newest", () => {
    expect(
      names(
        podsToDelete(
          [pod("old", { readySince: "2026-01-01T00:00:01Z" }), pod("recent", { readySince: "2026-01-01T00:05:00Z" })],
          1,
        ),
      ),
    ).toEqual(["recent"]);
    expect(names(podsToDelete([pod("steady"), pod("flaky", { restarts: 3 })], 1))).toEqual(["flaky"]);
    expect(names(podsToDelete([pod("older"), pod("newer", { created: "2026-01-02T00:00:00Z" })], 1))).toEqual([
      "newer",
    ]);
  });

  it("deletes nothing for a count of zero or less", () => {
    expect(podsToDelete([pod("a")], 0)).toEqual([]);
    expect(podsToDelete([pod("a")], -2)).toEqual([]);
  });
});

describe("isPodAvailable", () => {
  it("needs Ready for minReadySeconds", () => {
    const ready = pod("a", { readySince: "2026-01-01T00:00:10Z" });
    expect(isPodAvailable(ready, 0, new Date("2026-01-01T00:00:10Z"))).toBe(true);
    expect(isPodAvailable(ready, 5, new Date("2026-01-01T00:00:12Z"))).toBe(false);
    expect(isPodAvailable(ready, 5, new Date("2026-01-01T00:00:15Z"))).toBe(true);
    expect(isPodAvailable(pod("b", { ready: false }), 0, new Date())).toBe(false);
  });
});
