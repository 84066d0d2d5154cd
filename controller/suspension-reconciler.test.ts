import { describe, expect, it } from "vitest";
import type { Suspension } from "../crds/index.ts";
import { parkedDeadline, resumeDecision } from "./suspension-reconciler.ts";

const suspension = (spec: Partial<Suspension["spec"]>): Suspension => ({
  apiVersion: "kontinue.cloud/v1alpha1",
  kind: "Suspension",
  metadata: { name: "p" },
  spec: { execution: "p", reason: "Sleep", ...spec },
});
const now = Date.UTC(2026, 0, 1, 12);
const none = { childPhase: () => "Executing", functionImage: undefined };

describe("resumeDecision", () => {
  it("resumes a sleep exactly when due, and asks to look again then", () => {
    expect(resumeDecision(suspension({ until: "2026-01-01T12:00:01.500Z" }), now, none)).toEqual({
      resume: false,
      requeueAfter: 1500,
    });
    expect(resumeDecision(suspension({ until: "2026-01-01T12:00:00.000Z" }), now, none).resume).toBe(true);
  });

  it("resumes as soon as any awaited child has finished (or is gone), so a race returns at the first", () => {
    const waiting = suspension({ reason: "Execute", children: ["c1", "c2"] });
    expect(resumeDecision(waiting, now, { childPhase: () => "Executing", functionImage: undefined })).toEqual({
      resume: false,
    });
    expect(
      resumeDecision(waiting, now, {
        childPhase: (c) => (c === "c1" ? "Executing" : "Failed"),
        functionImage: undefined,
      }),
    ).toEqual({ resume: true, why: 'child "c2" finished' });
    expect(resumeDecision(waiting, now, { childPhase: () => undefined, functionImage: undefined }).resume).toBe(true);
  });

  it("resumes a signal wait only for a signal of an awaited name sent after it parked", () => {
    const waiting = suspension({ reason: "Signal", signals: ["approve"], signalsSeen: 1 });
    const before = { id: "1", name: "approve" };
    expect(resumeDecision(waiting, now, { ...none, signals: [before] }).resume).toBe(false);
    expect(resumeDecision(waiting, now, { ...none, signals: [before, { id: "2", name: "reject" }] }).resume).toBe(
      false,
    );
    expect(resumeDecision(waiting, now, { ...none, signals: [before, { id: "3", name: "approve" }] })).toEqual({
      resume: true,
      why: 'signal "approve" arrived',
    });
  });

  it("resumes a non-deterministic execution only when the function's image changes", () => {
    const parked = suspension({ reason: "NonDeterminism", image: "img@sha256:1" });
    expect(resumeDecision(parked, now, { ...none, functionImage: "img@sha256:1" }).resume).toBe(false);
    expect(resumeDecision(parked, now, { ...none, functionImage: undefined }).resume).toBe(false);
    expect(resumeDecision(parked, now, { ...none, functionImage: "img@sha256:2" }).resume).toBe(true);
  });
});

describe("parkedDeadline", () => {
  it("is status.startedAt plus the Function's timeoutSeconds, and nothing without either", () => {
    const execution = (startedAt?: string) => ({
      apiVersion: "v",
      kind: "Execution" as const,
      metadata: { name: "e" },
      spec: { function: "f" },
      status: startedAt === undefined ? {} : { startedAt },
    });
    expect(parkedDeadline(execution("2026-01-01T00:00:00Z"), 90)).toBe(Date.UTC(2026, 0, 1, 0, 1, 30));
    expect(parkedDeadline(execution("2026-01-01T00:00:00Z"), undefined)).toBeUndefined();
    expect(parkedDeadline(execution(), 90)).toBeUndefined();
  });

  it("resumes a pinned non-deterministic execution once it moved off the revision it diverged on", () => {
    const image = `reg/fn@sha256:${"a".repeat(64)}`;
    const parked = suspension({ reason: "NonDeterminism", image });
    expect(
      resumeDecision(parked, now, {
        ...none,
        functionImage: `reg/fn@sha256:${"b".repeat(64)}`,
        executionRevision: "a".repeat(16),
      }).resume,
    ).toBe(false);
    expect(resumeDecision(parked, now, { ...none, functionImage: image, executionRevision: "b".repeat(16) })).toEqual({
      resume: true,
      why: `it moved to revision ${"b".repeat(16)}`,
    });
  });
});
