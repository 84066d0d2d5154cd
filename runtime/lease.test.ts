import { describe, expect, it } from "vitest";
import type { Execution } from "../crds/index.ts";
import { claimedStatus, holdsLease, isClaimable, leaseExpired } from "./lease.ts";

const execution = (status?: Execution["status"]): Execution => ({
  apiVersion: "kontinue.cloud/v1alpha1",
  kind: "Execution",
  metadata: { name: "e", resourceVersion: "7" },
  spec: { function: "f" },
  ...(status ? { status } : {}),
});
const now = Date.UTC(2026, 0, 1);

describe("leases", () => {
  it("claims a new or Pending execution: Executing, next attempt, lease from now, first start kept", () => {
    expect(isClaimable(execution(), 0)).toBe(true);
    expect(isClaimable(execution({ phase: "Pending" }), 0)).toBe(true);
    expect(isClaimable(execution({ phase: "Suspended" }), 0)).toBe(false);
    const claimed = claimedStatus(
      execution({ phase: "Pending", attempt: 2, startedAt: "2025-12-31T00:00:00.000Z" }),
      { holder: "w1", leaseMs: 30_000, image: "img" },
      now,
    );
    expect(claimed).toMatchObject({
      phase: "Executing",
      attempt: 3,
      lease: { holder: "w1", expiresAt: "2026-01-01T00:00:30.000Z" },
      startedAt: "2025-12-31T00:00:00.000Z",
      observedImage: "img",
    });
  });

  it("knows who holds a lease and when it has run out", () => {
    const held = execution({
      phase: "Executing",
      attempt: 3,
      lease: { holder: "w1", expiresAt: "2026-01-01T00:00:30.000Z" },
    });
    expect(holdsLease(held, "w1", 3)).toBe(true);
    expect(holdsLease(held, "w1", 2)).toBe(false);
    expect(holdsLease(held, "w2", 3)).toBe(false);
    expect(leaseExpired(held, now + 29_999)).toBe(false);
    expect(leaseExpired(held, now + 30_000)).toBe(true);
    expect(leaseExpired(execution({ phase: "Suspended" }), now + 60_000)).toBe(false);
  });
});
