import { describe, expect, it } from "vitest";
import { scalingSettings } from "./desired-replicas.ts";
import { readyCondition, scalingCondition, toCondition, type ConditionInputs } from "./function-conditions.ts";
import { imageRevision } from "./image-revision.ts";

const image = imageRevision(`r/fn@sha256:${"e".repeat(64)}`);
const settings = scalingSettings({ scaling: { maxReplicas: 2 } });
const revision = {
  id: "eeeeeeeeeeeeeeee",
  pending: 0,
  executing: 0,
  suspended: 0,
  desiredReplicas: 0,
  readyReplicas: 0,
};
const inputs = (over: Partial<ConditionInputs> = {}): ConditionInputs => ({
  image,
  scalingProblem: undefined,
  settings,
  active: revision,
  limit: undefined,
  live: [revision],
  podTrouble: undefined,
  ...over,
});

describe("Function conditions", () => {
  it("Ready says why there is no Deployment for a bad image, and that a dev function runs from source", () => {
    expect(readyCondition(inputs({ image: imageRevision("nginx:latest") }))).toMatchObject({
      status: "False",
      reason: "InvalidImage",
    });
    expect(readyCondition(inputs({ image: imageRevision("source:sha256:1") }))).toMatchObject({
      status: "False",
      reason: "SourceImage",
    });
    expect(scalingCondition(inputs({ image: imageRevision("nginx:latest") }))).toMatchObject({
      status: "False",
      reason: "InvalidImage",
    });
  });

  it("Ready follows the active revision's workers, and Pod troubles come first", () => {
    expect(readyCondition(inputs())).toMatchObject({ status: "True", reason: "ScaledToZero" });
    const starting = { ...revision, pending: 3, desiredReplicas: 2, readyReplicas: 1 };
    expect(readyCondition(inputs({ active: starting }))).toMatchObject({
      status: "False",
      reason: "WorkersStarting",
      message: expect.stringContaining("1 of 2 workers"),
    });
    expect(readyCondition(inputs({ active: { ...starting, readyReplicas: 2 } }))).toMatchObject({
      status: "True",
      reason: "WorkersReady",
    });
    expect(readyCondition(inputs({ podTrouble: { reason: "ImageNotPullable", message: "m" } }))).toEqual({
      status: "False",
      reason: "ImageNotPullable",
      message: "m",
    });
  });

  it("Scaling names invalid scaling, no executions, the max bound and a cooldown", () => {
    expect(
      scalingCondition(inputs({ scalingProblem: "spec.scaling.minReplicas (3) is greater than maxReplicas (1)" })),
    ).toMatchObject({ status: "False", reason: "InvalidScaling" });
    expect(scalingCondition(inputs())).toMatchObject({ status: "True", reason: "NoExecutions" });
    const busy = { ...revision, pending: 40, desiredReplicas: 2 };
    expect(scalingCondition(inputs({ active: busy, live: [busy], limit: "maxReplicas" }))).toMatchObject({
      reason: "AtMaxReplicas",
      message: expect.stringContaining("raise spec.scaling.maxReplicas"),
    });
    expect(scalingCondition(inputs({ active: busy, live: [busy] }))).toMatchObject({
      reason: "ScalingActive",
      message: "40 pending + 0 executing → 2 replicas (targetPendingPerReplica 5)",
    });
    const cooling = { ...busy, pending: 0, cooldownSince: "2026-01-01T00:00:00.000Z" };
    expect(scalingCondition(inputs({ active: cooling, live: [cooling] }))).toMatchObject({
      reason: "CoolingDown",
      message: expect.stringContaining("until 2026-01-01T00:05:00.000Z"),
    });
  });

  it("keeps lastTransitionTime while the status stays", () => {
    const first = toCondition("Ready", { status: "True", reason: "A", message: "" }, undefined, 1000, 2);
    expect(
      toCondition("Ready", { status: "True", reason: "B", message: "" }, [first], 5000, 3).lastTransitionTime,
    ).toBe(first.lastTransitionTime);
    expect(toCondition("Ready", { status: "False", reason: "B", message: "" }, [first], 5000, 3)).toMatchObject({
      lastTransitionTime: new Date(5000).toISOString(),
      observedGeneration: 3,
    });
  });
});
