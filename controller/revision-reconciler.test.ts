import { describe, expect, it } from "vitest";
import type { Execution, FunctionResource, Suspension } from "../crds/index.ts";
import { projectExecution } from "./execution-projection.ts";
import { pinningDecision } from "./revision-reconciler.ts";

const digest = (c: string) => `r/fn@sha256:${c.repeat(64)}`;
const fn = (image: string): FunctionResource => ({
  apiVersion: "kontinue.cloud/v1alpha1",
  kind: "Function",
  metadata: { name: "fn", namespace: "ns" },
  spec: { image, functionName: "fn" },
});
const step = { seq: 0, kind: "store" as const, name: "s", status: "completed" as const, startedAt: "t", attempts: 1 };
const execution = (status?: Execution["status"], revision?: string): Execution =>
  projectExecution({
    apiVersion: "kontinue.cloud/v1alpha1",
    kind: "Execution",
    metadata: {
      name: "e",
      namespace: "ns",
      labels: { "kontinue.cloud/function": "fn", ...(revision ? { "kontinue.cloud/revision": revision } : {}) },
    },
    spec: { function: "fn" },
    ...(status ? { status } : {}),
  });
const parked = (reason: Suspension["spec"]["reason"]): Suspension => ({
  apiVersion: "kontinue.cloud/v1alpha1",
  kind: "Suspension",
  metadata: { name: "e" },
  spec: { execution: "e", reason, image: digest("a") },
});
const a = "a".repeat(16);
const b = "b".repeat(16);

describe("pinningDecision", () => {
  it("pins a new execution to the active revision", () => {
    expect(pinningDecision(execution(), fn(digest("b")), undefined)).toEqual({ action: "pin", revision: b });
  });

  it("pins an unlabelled execution that ran to the revision its worker reported", () => {
    expect(
      pinningDecision(
        execution({ phase: "Suspended", observedImage: digest("a"), state: { steps: [step] } }),
        fn(digest("b")),
        undefined,
      ),
    ).toEqual({ action: "pin", revision: a });
  });

  it("moves a Pending execution that has run no step to the active revision, and keeps one that has", () => {
    expect(pinningDecision(execution({ phase: "Pending" }, a), fn(digest("b")), undefined)).toEqual({
      action: "move",
      revision: b,
    });
    expect(
      pinningDecision(execution({ phase: "Pending", state: { steps: [step] } }, a), fn(digest("b")), undefined),
    ).toEqual({ action: "none" });
    expect(pinningDecision(execution({ phase: "Executing" }, a), fn(digest("b")), undefined)).toEqual({
      action: "none",
    });
  });

  it("rescues an execution parked for non-determinism once another revision is active", () => {
    const diverged = execution({ phase: "Suspended", state: { steps: [step] } }, a);
    expect(pinningDecision(diverged, fn(digest("b")), parked("NonDeterminism"))).toEqual({
      action: "rescue",
      revision: b,
      from: a,
    });
    expect(pinningDecision(diverged, fn(digest("a")), parked("NonDeterminism"))).toEqual({ action: "none" });
    expect(pinningDecision(diverged, fn(digest("b")), parked("Sleep"))).toEqual({ action: "none" });
  });

  it("says the Function is missing for a Pending execution, and leaves finished ones and source images alone", () => {
    expect(pinningDecision(execution(), undefined, undefined)).toEqual({ action: "functionNotFound", function: "fn" });
    expect(pinningDecision(execution({ phase: "Completed" }), undefined, undefined)).toEqual({ action: "none" });
    expect(pinningDecision(execution(), fn("source:sha256:abc"), undefined)).toEqual({ action: "none" });
  });
});
