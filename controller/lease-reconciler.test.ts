import { describe, expect, it } from "vitest";
import type { Execution } from "../crds/index.ts";
import { reapedStatus } from "./lease-reconciler.ts";

const execution: Execution = {
  apiVersion: "kontinue.cloud/v1alpha1",
  kind: "Execution",
  metadata: { name: "order-1" },
  spec: { function: "processOrder" },
  status: { phase: "Executing", attempt: 2, lostAttempts: 1, lease: { holder: "worker-7", expiresAt: "2026-01-01T00:00:00.000Z" }, state: { steps: [] } },
};

describe("reapedStatus", () => {
  it("hands the execution back to Pending, counting the lost attempt and dropping the lease", () => {
    const status = reapedStatus(execution, 3, Date.UTC(2026, 0, 1));
    expect(status).toEqual({ phase: "Pending", attempt: 2, lostAttempts: 2, state: { steps: [] } });
  });

  it("fails it past retry.maxAttempts with an error that says what happened and what to do", () => {
    const status = reapedStatus(execution, 2, Date.UTC(2026, 0, 1));
    expect(status.phase).toBe("Failed");
    expect(status.error?.type).toBe("RUNTIME_ATTEMPTS_EXHAUSTED");
    expect(status.error?.message).toBe(
      'execution "order-1" lost its worker 2 times, the last one "worker-7" (lease expired 2026-01-01T00:00:00.000Z); function "processOrder" allows 2 attempts (retry.maxAttempts); see the worker logs for why it stopped, then start a new execution',
    );
  });
});
