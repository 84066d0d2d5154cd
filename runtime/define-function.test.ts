import { describe, expect, it } from "vitest";
import { defineFunction, isFunctionDefinition } from "./define-function.ts";

describe("defineFunction", () => {
  it("returns plain data besides run, branded across runtime copies", () => {
    const definition = defineFunction({
      run: async () => 1,
      concurrency: 4,
      scaling: { maxReplicas: 10, targetPendingPerReplica: 5 },
      retry: { maxAttempts: 5 },
      timeoutSeconds: 60,
    });
    expect(isFunctionDefinition(definition)).toBe(true);
    expect(definition).toMatchObject({
      concurrency: 4,
      scaling: { maxReplicas: 10, targetPendingPerReplica: 5 },
      retry: { maxAttempts: 5 },
      timeoutSeconds: 60,
    });
    expect(isFunctionDefinition({ run: () => 1 })).toBe(false);
    expect(isFunctionDefinition({ ...definition })).toBe(true);
  });

  it("rejects unknown options and bad values at the boundary", () => {
    expect(() => defineFunction({ run: async () => 1, retries: 3 } as never)).toThrow('unknown option "retries"');
    expect(() => defineFunction({ run: async () => 1, scaling: { max: 3 } } as never)).toThrow(
      'unknown scaling option "max"',
    );
    expect(() => defineFunction({ run: "nope" } as never)).toThrow('"run" must be a function');
    expect(() => defineFunction({ run: async () => 1, concurrency: 0 })).toThrow(
      '"concurrency" must be a positive integer, got 0',
    );
  });

  it("takes revisions.drainGraceSeconds: a non-negative integer, no other keys", () => {
    expect(defineFunction({ run: async () => 1, revisions: { drainGraceSeconds: 0 } }).revisions).toEqual({
      drainGraceSeconds: 0,
    });
    expect(defineFunction({ run: async () => 1, revisions: { drainGraceSeconds: 120 } }).revisions).toEqual({
      drainGraceSeconds: 120,
    });
    expect(() => defineFunction({ run: async () => 1, revisions: { drainGraceSeconds: -1 } })).toThrow(
      '"revisions.drainGraceSeconds" must be a non-negative integer, got -1',
    );
    expect(() => defineFunction({ run: async () => 1, revisions: { drainGraceSeconds: 1.5 } })).toThrow(
      "non-negative integer, got 1.5",
    );
    expect(() => defineFunction({ run: async () => 1, revisions: { drain: 3 } } as never)).toThrow(
      'unknown revisions option "drain"',
    );
    expect(() => defineFunction({ run: async () => 1, revisions: 3 } as never)).toThrow(
      '"revisions" must be an object',
    );
  });
});
