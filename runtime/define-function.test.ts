import { describe, expect, it } from "vitest";
import { defineFunction, isFunctionDefinition } from "./define-function.ts";

describe("defineFunction", () => {
  it("returns plain data besides run, branded across runtime copies", () => {
    const definition = defineFunction({ run: async () => 1, concurrency: 4, scaling: { maxReplicas: 10, targetPendingPerReplica: 5 }, retry: { maxAttempts: 5 }, timeoutSeconds: 60 });
    expect(isFunctionDefinition(definition)).toBe(true);
    expect(definition).toMatchObject({ concurrency: 4, scaling: { maxReplicas: 10, targetPendingPerReplica: 5 }, retry: { maxAttempts: 5 }, timeoutSeconds: 60 });
    expect(isFunctionDefinition({ run: () => 1 })).toBe(false);
    expect(isFunctionDefinition({ ...definition })).toBe(true);
  });

  it("rejects unknown options and bad values at the boundary", () => {
    expect(() => defineFunction({ run: async () => 1, retries: 3 } as never)).toThrow('unknown option "retries"');
    expect(() => defineFunction({ run: async () => 1, scaling: { max: 3 } } as never)).toThrow('unknown scaling option "max"');
    expect(() => defineFunction({ run: "nope" } as never)).toThrow('"run" must be a function');
    expect(() => defineFunction({ run: async () => 1, concurrency: 0 })).toThrow('"concurrency" must be a positive integer, got 0');
  });
});
