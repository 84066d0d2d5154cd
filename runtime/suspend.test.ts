import { describe, expect, it } from "vitest";
import type { Suspension } from "../crds/index.ts";
import { KubeApiError } from "./kube-http.ts";
import type { ResourceClient } from "./resource-client.ts";
import { suspensionFor, suspensionSpecFor, writeSuspension } from "./suspend.ts";

describe("suspensionSpecFor", () => {
  it("wakes at the earliest time and waits for every child", () => {
    const spec = suspensionSpecFor("order-1", [
      { seq: 1, kind: "sleep", until: Date.UTC(2026, 0, 1, 0, 10) },
      { seq: 2, kind: "poll", until: Date.UTC(2026, 0, 1, 0, 5) },
      { seq: 3, kind: "execute", child: "order-1-3" },
    ]);
    expect(spec).toEqual({
      execution: "order-1",
      reason: "Execute",
      until: "2026-01-01T00:05:00.000Z",
      children: ["order-1-3"],
    });
  });

  it("names the reason after what waits", () => {
    expect(suspensionSpecFor("a", [{ seq: 0, kind: "sleep", until: 0 }]).reason).toBe("Sleep");
    expect(
      suspensionSpecFor("a", [
        { seq: 0, kind: "sleep", until: 0 },
        { seq: 1, kind: "poll", until: 5 },
      ]).reason,
    ).toBe("Poll");
  });

  it("names signals waited for and how many had arrived, and deploy waits", () => {
    expect(suspensionSpecFor("a", [{ seq: 0, kind: "signal", signal: "approve" }], 2)).toEqual({
      execution: "a",
      reason: "Signal",
      signals: ["approve"],
      signalsSeen: 2,
    });
    expect(suspensionSpecFor("a", [{ seq: 0, kind: "execute", until: 5 }])).toMatchObject({
      reason: "Execute",
      message: "1 ctx.execute call(s) wait for their function to be deployed",
    });
  });
});

describe("writeSuspension", () => {
  it(
    "gives up after a bounded number of tries when an old Suspension stays terminating (regression: it " + "spun)",
    async () => {
      let gets = 0;
      const terminating = {
        metadata: { name: "a", namespace: "ns", deletionTimestamp: "2026-01-01T00:00:00Z" },
      } as unknown as Suspension;
      const client = {
        create: async () => {
          throw new KubeApiError({ method: "POST", path: "/x" }, 409, "AlreadyExists", "exists");
        },
        get: async () => (gets++, terminating),
      } as unknown as ResourceClient<Suspension>;
      const execution = {
        apiVersion: "kontinue.cloud/v1alpha1",
        kind: "Execution",
        metadata: { name: "a", namespace: "ns", uid: "u" },
        spec: { function: "f" },
      } as const;
      await expect(
        writeSuspension(client, suspensionFor(execution, { execution: "a", reason: "Sleep" }), 3),
      ).rejects.toThrow('cannot write Suspension "a" in namespace "ns": it kept changing or being deleted (3 tries)');
      expect(gets).toBe(3);
    },
  );
});
