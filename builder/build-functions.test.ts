import { describe, expect, it } from "vitest";
import { isKontinueError } from "../runtime/index.ts";
import { buildFunctions } from "./build-functions.ts";

describe("buildFunctions", () => {
  it("rejects unknown options before doing anything", async () => {
    const options = { dir: ".", target: { registry: "127.0.0.1:5000", prefix: "" }, platform: "linux/amd64" };
    const error = await buildFunctions(options as Parameters<typeof buildFunctions>[0]).catch((e: unknown) => e);
    expect(isKontinueError(error, "BUILD_BAD_OPTIONS")).toBe(true);
    expect((error as Error).message).toBe('cannot build: unknown option "platform"; see BuildFunctionsOptions');
  });
});
