import { describe, expect, it } from "vitest";
import { isKontinueError } from "../runtime/index.ts";
import { DEFAULT_BASE_IMAGE } from "./build-functions.ts";
import { functionRepository, parseImageReference, parsePushTarget, registryApiHost } from "./image-reference.ts";

describe("parseImageReference", () => {
  it("parses the default base image: Docker Hub's official node image", () => {
    const reference = parseImageReference(DEFAULT_BASE_IMAGE);
    expect(reference).toEqual({ registry: "docker.io", repository: "library/node", tag: "24-bookworm-slim" });
    expect(registryApiHost(reference.registry)).toBe("registry-1.docker.io");
  });

  it("fills in Docker Hub, library/ and latest like docker does", () => {
    expect(parseImageReference("node")).toEqual({ registry: "docker.io", repository: "library/node", tag: "latest" });
    expect(parseImageReference("acme/base:1")).toEqual({ registry: "docker.io", repository: "acme/base", tag: "1" });
  });

  it("keeps a registry with a port and a digest", () => {
    const digest = `sha256:${"a".repeat(64)}`;
    expect(parseImageReference(`127.0.0.1:5000/kontinue-test/node-base@${digest}`)).toEqual({
      registry: "127.0.0.1:5000",
      repository: "kontinue-test/node-base",
      digest,
    });
    expect(parseImageReference(`ghcr.io/acme/node:22@${digest}`)).toEqual({
      registry: "ghcr.io",
      repository: "acme/node",
      tag: "22",
      digest,
    });
    expect(parseImageReference("localhost/base:x")).toEqual({ registry: "localhost", repository: "base", tag: "x" });
  });

  it("rejects malformed references with BUILD_BAD_REFERENCE naming the input", () => {
    for (const bad of ["", "UPPER/Case", "a b", "node@sha256:short", "node:"]) {
      let caught: unknown;
      try {
        parseImageReference(bad);
      } catch (error) {
        caught = error;
      }
      expect(isKontinueError(caught, "BUILD_BAD_REFERENCE"), bad).toBe(true);
      expect((caught as Error).message).toContain(`"${bad}"`);
    }
  });
});

describe("parsePushTarget", () => {
  it("splits host[:port] from the prefix", () => {
    expect(parsePushTarget("127.0.0.1:5000/functions")).toEqual({ registry: "127.0.0.1:5000", prefix: "functions" });
    expect(parsePushTarget("ghcr.io/acme/fns/")).toEqual({ registry: "ghcr.io", prefix: "acme/fns" });
    expect(functionRepository(parsePushTarget("ghcr.io"), "process-order")).toBe("process-order");
    expect(functionRepository(parsePushTarget("ghcr.io/acme"), "process-order")).toBe("acme/process-order");
  });

  it("rejects a target with upper case or a scheme", () => {
    expect(() => parsePushTarget("https://ghcr.io/acme")).toThrow(/cannot use registry "https:\/\/ghcr.io\/acme"/);
    expect(() => parsePushTarget("ghcr.io/Acme")).toThrow(/host\[:port\]\[\/prefix\]/);
  });
});
