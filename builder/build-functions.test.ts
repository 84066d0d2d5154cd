import { describe, expect, it } from "vitest";
import { isKontinueError } from "../runtime/index.ts";
import { buildFunctions, bundleCacheKey } from "./build-functions.ts";

describe("buildFunctions", () => {
  it("rejects unknown options before doing anything", async () => {
    const options = { dir: ".", target: { registry: "127.0.0.1:5000", prefix: "" }, platform: "linux/amd64" };
    const error = await buildFunctions(options as Parameters<typeof buildFunctions>[0]).catch((e: unknown) => e);
    expect(isKontinueError(error, "BUILD_BAD_OPTIONS")).toBe(true);
    expect((error as Error).message).toBe('cannot build: unknown option "platform"; see BuildFunctionsOptions');
  });

  it("keys cached bundles by kontinue's and esbuild's versions, the target Node and the timestamp", () => {
    const parts = { kontinueVersion: "0.1.0", esbuildVersion: "0.28.2", nodeMajor: 24, mtime: 0 };
    const key = bundleCacheKey("function|/fns/hello.ts", parts);
    for (const changed of [
      { kontinueVersion: "0.2.0" },
      { esbuildVersion: "0.28.3" },
      { nodeMajor: 22 },
      { mtime: 1 },
    ]) {
      expect(bundleCacheKey("function|/fns/hello.ts", { ...parts, ...changed })).not.toBe(key);
    }
    expect(bundleCacheKey("function|/fns/hello.ts", { ...parts })).toBe(key);
  });
});
