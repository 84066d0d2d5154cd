import { describe, expect, it } from "vitest";
import type { Execution } from "../crds/index.ts";
import { cancelledStatus, needsCancelling } from "./cancel-reconciler.ts";
import { missingFunctionLabel } from "./label-reconciler.ts";

const execution = (status?: Execution["status"], cancelRequested = true): Execution => ({
  apiVersion: "kontinue.cloud/v1alpha1",
  kind: "Execution",
  metadata: { name: "order-1", labels: {} },
  spec: { function: "processOrder", cancelRequested },
  ...(status ? { status } : {}),
});

describe("cancelling", () => {
  it("is the controller's job only while no worker holds the execution", () => {
    expect(needsCancelling(execution())).toBe(true);
    expect(needsCancelling(execution({ phase: "Pending" }))).toBe(true);
    expect(needsCancelling(execution({ phase: "Suspended" }))).toBe(true);
    expect(needsCancelling(execution({ phase: "Executing" }))).toBe(false);
    expect(needsCancelling(execution({ phase: "Completed" }))).toBe(false);
    expect(needsCancelling(execution({ phase: "Pending" }, false))).toBe(false);
  });

  it("records the cancellation as the execution's outcome", () => {
    expect(cancelledStatus(execution({ phase: "Suspended", attempt: 2 }), Date.UTC(2026, 0, 1))).toEqual({
      phase: "Cancelled",
      attempt: 2,
      completedAt: "2026-01-01T00:00:00.000Z",
      error: { type: "RUNTIME_CANCELLED", message: 'execution "order-1" was cancelled (spec.cancelRequested)' },
    });
  });
});

describe("missingFunctionLabel", () => {
  it("names the label value an Execution lacks", () => {
    expect(missingFunctionLabel(execution())).toBe("process-order");
    expect(
      missingFunctionLabel({
        ...execution(),
        metadata: { name: "x", labels: { "kontinue.cloud/function": "process-order" } },
      }),
    ).toBeUndefined();
  });
});
