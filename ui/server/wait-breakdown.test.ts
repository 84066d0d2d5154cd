import { describe, expect, it } from "vitest";
import type { Execution } from "../../crds/index.ts";
import { scalingEventOf } from "./scaling-event.ts";
import { waitBreakdown } from "./wait-breakdown.ts";

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
const ms = (s: number) => Date.parse(at(s));

function execution(createdS: number, claimedS: number, firstStepS: number): Execution {
  return {
    apiVersion: "kontinue.cloud/v1alpha1",
    kind: "Execution",
    metadata: { name: "e", namespace: "ns", creationTimestamp: at(createdS) as unknown as Date },
    spec: { function: "greet" },
    status: {
      phase: "Executing",
      startedAt: at(claimedS),
      state: {
        steps: [{ seq: 0, kind: "store", name: "a", status: "running", startedAt: at(firstStepS), attempts: 1 }],
      },
    },
  } as Execution;
}

describe("scalingEventOf", () => {
  const event = (reason: string, message: string) =>
    scalingEventOf({
      namespace: "ns",
      name: "x",
      involvedKind: "Function",
      involvedName: "greet",
      reason,
      message,
      at: 5,
    });

  it("reads the figures from the controller's ScaledUp and RevisionDeployed messages", () => {
    expect(
      event("ScaledUp", "revision abc: 0 → 2 replicas (7 pending + 1 executing, targetPendingPerReplica 5)"),
    ).toEqual({ at: 5, reason: "ScaledUp", revision: "abc", from: 0, replicas: 2, pending: 7, executing: 1 });
    expect(
      event("RevisionDeployed", 'created Deployment "greet-abc" for revision abc (r/greet@sha256:00) with 1 replicas'),
    ).toEqual({ at: 5, reason: "RevisionDeployed", revision: "abc", from: 0, replicas: 1 });
  });

  it("skips other reasons and messages in another shape", () => {
    expect(event("ScaledUp", "scaled to 3")).toBeUndefined();
    expect(event("RevisionDrained", "revision abc has no unfinished executions")).toBeUndefined();
  });
});

describe("waitBreakdown", () => {
  const scaledUp = { at: ms(2), reason: "ScaledUp" as const, revision: "r", from: 0, replicas: 1 };

  it("splits a wait with a scale-up from zero into queue, scale-up, claim and start, adding up", () => {
    const pod = { namespace: "ns", name: "p", createdAt: ms(2), readyAt: ms(7) };
    const waited = waitBreakdown({ execution: execution(0, 9, 10), podName: "p", pod, scaling: [scaledUp] });
    expect(waited).toMatchObject({ queueMs: 2000, scaleUpMs: 5000, claimMs: 2000, startMs: 1000, totalMs: 10_000 });
    expect(waited.scaledBy).toBe("ScaledUp");
  });

  it("has no scale-up when the worker was Ready before the execution was created", () => {
    const pod = { namespace: "ns", name: "p", createdAt: ms(-60), readyAt: ms(-50) };
    const waited = waitBreakdown({ execution: execution(0, 3, 4), podName: "p", pod, scaling: [] });
    expect(waited).toMatchObject({ queueMs: 3000, scaleUpMs: 0, claimMs: 0, startMs: 1000, totalMs: 4000 });
  });

  it("says the scale-up is unknown without the Pod, and keeps parts from going negative on coarse times", () => {
    expect(
      waitBreakdown({ execution: execution(0, 3, 4), podName: undefined, pod: undefined, scaling: [] }),
    ).toMatchObject({ queueMs: 3000, scaleUpMs: undefined, claimMs: undefined });
    // Ready after the claim (seconds-precision condition): held at the claim.
    const pod = { namespace: "ns", name: "p", createdAt: ms(1), readyAt: ms(5) };
    const waited = waitBreakdown({ execution: execution(0, 4, 4), podName: "p", pod, scaling: [scaledUp] });
    expect(waited).toMatchObject({ queueMs: 2000, scaleUpMs: 2000, claimMs: 0, startMs: 0, totalMs: 4000 });
  });
});
