import { describe, expect, it } from "vitest";
import { desiredReplicas, replicasFor, scalingProblem, scalingSettings } from "./desired-replicas.ts";

const settings = scalingSettings({
  scaling: { minReplicas: 0, maxReplicas: 4, targetPendingPerReplica: 5, cooldownSeconds: 60 },
  concurrency: 2,
});
const counts = (pending: number, executing = 0, suspended = 0) => ({ pending, executing, suspended });
const now = Date.UTC(2026, 0, 1);

describe("replicasFor", () => {
  it("is ceil((pending + executing) / target), clamped to [min, max]", () => {
    expect(replicasFor(counts(0), settings)).toEqual({ desired: 0 });
    expect(replicasFor(counts(1), settings)).toEqual({ desired: 1 });
    expect(replicasFor(counts(5), settings)).toEqual({ desired: 1 });
    expect(replicasFor(counts(6), settings)).toEqual({ desired: 2 });
    expect(replicasFor(counts(3, 2), settings)).toEqual({ desired: 1 });
    expect(replicasFor(counts(100), settings)).toEqual({ desired: 4, limit: "maxReplicas" });
    expect(replicasFor(counts(0), { ...settings, minReplicas: 1 })).toEqual({ desired: 1, limit: "minReplicas" });
  });

  it("never asks for fewer replicas than hold what is executing (concurrency per replica)", () => {
    expect(replicasFor(counts(0, 6), settings)).toEqual({ desired: 3 });
  });

  it("ignores suspended executions: parked work costs no Pods", () => {
    expect(replicasFor(counts(0, 0, 50), settings)).toEqual({ desired: 0 });
  });
});

describe("desiredReplicas", () => {
  it("scales up at once", () => {
    expect(desiredReplicas({ counts: counts(12), settings, now, current: { replicas: 0 } })).toEqual({
      replicas: 3,
      desired: 3,
    });
    expect(
      desiredReplicas({ counts: counts(12), settings, now, current: { replicas: 1, cooldownSince: now - 1000 } }),
    ).toEqual({ replicas: 3, desired: 3 });
  });

  it("holds the replicas for cooldownSeconds after the desire drops, then follows it (to zero)", () => {
    const first = desiredReplicas({ counts: counts(0), settings, now, current: { replicas: 3 } });
    expect(first).toEqual({ replicas: 3, desired: 0, cooldownSince: now, requeueAfter: 60_000 });
    const later = desiredReplicas({
      counts: counts(0),
      settings,
      now: now + 59_000,
      current: { replicas: 3, cooldownSince: now },
    });
    expect(later).toEqual({ replicas: 3, desired: 0, cooldownSince: now, requeueAfter: 1_000 });
    expect(
      desiredReplicas({ counts: counts(0), settings, now: now + 60_000, current: { replicas: 3, cooldownSince: now } }),
    ).toEqual({ replicas: 0, desired: 0 });
  });

  it("a desire back at the replicas ends the cooldown", () => {
    expect(
      desiredReplicas({ counts: counts(15), settings, now, current: { replicas: 3, cooldownSince: now - 50_000 } }),
    ).toEqual({ replicas: 3, desired: 3 });
  });

  it("scales down at once with cooldownSeconds 0, and reports the max bound", () => {
    expect(
      desiredReplicas({
        counts: counts(1),
        settings: { ...settings, cooldownSeconds: 0 },
        now,
        current: { replicas: 3 },
      }),
    ).toEqual({ replicas: 1, desired: 1 });
    expect(desiredReplicas({ counts: counts(500), settings, now, current: { replicas: 2 } })).toEqual({
      replicas: 4,
      desired: 4,
      limit: "maxReplicas",
    });
  });
});

describe("scalingProblem", () => {
  it("names min > max and what to change", () => {
    expect(scalingProblem({ ...settings, minReplicas: 5, maxReplicas: 2 })).toBe(
      "spec.scaling.minReplicas (5) is greater than maxReplicas (2); lower minReplicas or raise maxReplicas",
    );
  });

  it("names negative and zero values", () => {
    expect(scalingProblem({ ...settings, maxReplicas: -1 })).toBe(
      "spec.scaling.maxReplicas is -1; it must be 0 or more",
    );
    expect(scalingProblem({ ...settings, targetPendingPerReplica: 0 })).toContain("targetPendingPerReplica is 0");
    expect(scalingProblem(settings)).toBeUndefined();
  });

  it("fills the schema's defaults", () => {
    expect(scalingSettings({})).toEqual({
      minReplicas: 0,
      maxReplicas: 10,
      targetPendingPerReplica: 5,
      cooldownSeconds: 300,
      concurrency: 10,
    });
  });
});
