import { describe, expect, it } from "vitest";
import { idempotentName } from "./idempotent-name.ts";

describe("idempotentName", () => {
  it("is the same for the same function and key, different otherwise, and a valid name", () => {
    const name = idempotentName("processOrder", "order-12345");
    expect(name).toBe(idempotentName("processOrder", "order-12345"));
    expect(name).toMatch(/^process-order-[0-9a-f]{16}$/);
    expect(idempotentName("processOrder", "order-12346")).not.toBe(name);
    expect(idempotentName("chargeCard", "order-12345")).not.toBe(name.replace("process-order", "charge-card"));
  });

  it("stays within 63 characters for long function names", () => {
    const name = idempotentName(`a${"VeryLong".repeat(12)}`, "k");
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });
});
