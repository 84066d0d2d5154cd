import { describe, expect, it } from "vitest";
import type { KubeObject } from "../registry/index.ts";
import { deploymentStatus, isDeploymentComplete, untilProgressDeadline } from "./deployment-status.ts";

const deployment = (status?: object): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", generation: 2 },
  spec: { replicas: 2, progressDeadlineSeconds: 60 },
  ...(status ? { status } : {}),
});
const replicaSet = (name: string, replicas: number, ready: number): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "ReplicaSet",
  metadata: { name },
  spec: { replicas },
  status: { replicas, readyReplicas: ready, availableReplicas: ready },
});

describe("deploymentStatus", () => {
  it("sums the ReplicaSets and reports a finished rollout as kubectl rollout status wants it", () => {
    const fresh = replicaSet("web-new", 2, 2);
    const status = deploymentStatus({
      deployment: deployment(),
      newReplicaSet: fresh,
      replicaSets: [fresh],
      maxUnavailable: 0,
      createdReplicaSet: false,
      now: "2026-01-01T00:00:00Z",
    });
    expect(status).toMatchObject({
      observedGeneration: 2,
      replicas: 2,
      updatedReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
      unavailableReplicas: 0,
    });
    expect(status.conditions.map((c) => [c.type, c.status, c.reason])).toEqual([
      ["Available", "True", "MinimumReplicasAvailable"],
      ["Progressing", "True", "NewReplicaSetAvailable"],
    ]);
    expect(isDeploymentComplete(deployment(), status)).toBe(true);
    expect(untilProgressDeadline(deployment(), status, new Date())).toBeUndefined();
  });

  it("is progressing while Pods come up, then times out after progressDeadlineSeconds", () => {
    const old = replicaSet("web-old", 1, 1);
    const fresh = replicaSet("web-new", 1, 0);
    const created = deploymentStatus({
      deployment: deployment(),
      newReplicaSet: fresh,
      replicaSets: [fresh, old],
      maxUnavailable: 0,
      createdReplicaSet: true,
      now: "2026-01-01T00:00:00Z",
    });
    expect(created.conditions.find((c) => c.type === "Progressing")).toMatchObject({
      status: "True",
      reason: "NewReplicaSetCreated",
      message: 'Created new replica set "web-new"',
    });
    expect(created.conditions.find((c) => c.type === "Available")).toMatchObject({
      status: "False",
      reason: "MinimumReplicasUnavailable",
    });
    expect(untilProgressDeadline(deployment(), created, new Date("2026-01-01T00:00:30Z"))).toBe(31_000);
    const stuck = deploymentStatus({
      deployment: deployment(created),
      newReplicaSet: fresh,
      replicaSets: [fresh, old],
      maxUnavailable: 0,
      createdReplicaSet: false,
      now: "2026-01-01T00:02:00Z",
    });
    expect(stuck.conditions.find((c) => c.type === "Progressing")).toMatchObject({
      status: "False",
      reason: "ProgressDeadlineExceeded",
      message: 'ReplicaSet "web-new" has timed out progressing.',
    });
  });
});
