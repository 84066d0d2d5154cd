import { describe, expect, it } from "vitest";
import type { Execution } from "../crds/index.ts";
import { ExecutionIndex } from "./execution-index.ts";
import { journalSteps, projectExecution, waitingFor } from "./execution-projection.ts";

const image = `r/fn@sha256:${"cd".repeat(32)}`;
const execution = (name: string, status?: Execution["status"], labels: Record<string, string> = {}): Execution => ({
  apiVersion: "kontinue.cloud/v1alpha1",
  kind: "Execution",
  metadata: {
    name,
    namespace: "ns",
    resourceVersion: "1",
    labels: { "kontinue.cloud/function": "process-order", ...labels },
  },
  spec: { function: "processOrder", arguments: { big: "x".repeat(10_000) } },
  ...(status ? { status } : {}),
});

describe("projectExecution", () => {
  it("keeps metadata, the spec without arguments and the status without journal, result and error", () => {
    const full = execution("a", {
      phase: "Suspended",
      attempt: 2,
      observedImage: image,
      result: { huge: true },
      error: { type: "X", message: "m" },
      state: {
        steps: [
          {
            seq: 0,
            kind: "store",
            name: "s",
            status: "completed",
            startedAt: "t",
            attempts: 1,
            value: "x".repeat(1000),
          },
          { seq: 1, kind: "execute", name: "c", status: "waiting", startedAt: "t", attempts: 1, child: "a-1" },
        ],
      },
    });
    full.metadata.annotations = { "kubectl.kubernetes.io/last-applied-configuration": "{…}", keep: "me" };
    full.metadata.managedFields = [{ manager: "kubectl" }];
    const projected = projectExecution(full);
    expect(projected).toEqual({
      apiVersion: "kontinue.cloud/v1alpha1",
      kind: "Execution",
      metadata: {
        name: "a",
        namespace: "ns",
        resourceVersion: "1",
        labels: { "kontinue.cloud/function": "process-order" },
        annotations: { keep: "me" },
      },
      spec: { function: "processOrder" },
      status: { phase: "Suspended", attempt: 2, observedImage: image },
      journalSteps: 2,
      waitingFor: ["a-1"],
    });
    expect(journalSteps(projected)).toBe(2);
    expect(waitingFor(projected)).toEqual(["a-1"]);
    expect(waitingFor(full)).toEqual(["a-1"]);
    expect(JSON.stringify(projected).length).toBeLessThan(500);
  });
});

describe("ExecutionIndex", () => {
  it(
    "counts unfinished executions per revision, follows phase changes and deletes, and counts what each Pod " + "holds",
    () => {
      const index = new ExecutionIndex();
      index.observe(execution("a"), "add");
      index.observe(execution("b", { phase: "Pending" }, { "kontinue.cloud/revision": "r1" }), "add");
      index.observe(
        execution(
          "c",
          { phase: "Executing", lease: { holder: "p1", pod: "p1", expiresAt: "t" }, observedImage: image },
          { "kontinue.cloud/revision": "r1" },
        ),
        "add",
      );
      index.observe(execution("d", { phase: "Suspended" }, { "kontinue.cloud/revision": "r0" }), "add");
      index.observe(execution("e", { phase: "Completed" }, { "kontinue.cloud/revision": "r0" }), "add");
      expect(Object.fromEntries(index.revisionCounts("ns/process-order"))).toEqual({
        "": { pending: 1, executing: 0, suspended: 0 },
        r1: { pending: 1, executing: 1, suspended: 0 },
        r0: { pending: 0, executing: 0, suspended: 1 },
      });
      expect(Object.fromEntries(index.heldByPod("ns/process-order"))).toEqual({ p1: 1 });
      expect(index.imageOf("ns/process-order", "cdcdcdcdcdcdcdcd")).toBe(image);

      index.observe(execution("c", { phase: "Completed" }, { "kontinue.cloud/revision": "r1" }), "update");
      index.observe(execution("d", { phase: "Suspended" }, { "kontinue.cloud/revision": "r0" }), "delete");
      index.observe(execution("a", { phase: "Pending" }, { "kontinue.cloud/revision": "r1" }), "update");
      expect(Object.fromEntries(index.revisionCounts("ns/process-order"))).toEqual({
        r1: { pending: 2, executing: 0, suspended: 0 },
      });
      expect(index.heldByPod("ns/process-order").size).toBe(0);
      expect([...index.executionsOf("ns/process-order")].sort()).toEqual(["ns/a", "ns/b", "ns/c", "ns/e"]);
      expect(index.revisionCounts("ns/other").size).toBe(0);
    },
  );
});
