import { describe, expect, it } from "vitest";
import { functionManifest } from "./function-manifest.ts";

describe("functionManifest", () => {
  it("carries scaling, retry, concurrency, timeout and revisions onto the Function's spec", () => {
    const manifest = functionManifest({
      functionName: "processOrder",
      resourceName: "process-order",
      image: "ghcr.io/acme/process-order@sha256:0123",
      settings: {
        scaling: { maxReplicas: 3 },
        retry: { maxAttempts: 2 },
        concurrency: 4,
        timeoutSeconds: 60,
        revisions: { drainGraceSeconds: 0 },
      },
    });
    expect(manifest.spec).toEqual({
      image: "ghcr.io/acme/process-order@sha256:0123",
      functionName: "processOrder",
      scaling: { maxReplicas: 3 },
      retry: { maxAttempts: 2 },
      concurrency: 4,
      timeoutSeconds: 60,
      revisions: { drainGraceSeconds: 0 },
    });
  });
});
