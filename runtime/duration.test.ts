import { describe, expect, it } from "vitest";
import { parseDuration } from "./duration.ts";
import { isKontinueError } from "./kontinue-error.ts";

describe("parseDuration", () => {
  it("reads milliseconds and text with units", () => {
    expect(parseDuration(1500)).toBe(1500);
    expect(parseDuration("500ms")).toBe(500);
    expect(parseDuration("10s")).toBe(10_000);
    expect(parseDuration("10m")).toBe(600_000);
    expect(parseDuration("2h")).toBe(7_200_000);
    expect(parseDuration("7d")).toBe(604_800_000);
    expect(parseDuration("1h30m")).toBe(5_400_000);
    expect(parseDuration("1.5s")).toBe(1500);
  });

  it("rejects what it cannot read, quoting it", () => {
    for (const bad of ["", "10", "ten minutes", "5x", "-1s", -5, Number.NaN]) {
      let error: unknown;
      try {
        parseDuration(bad);
      } catch (caught) {
        error = caught;
      }
      expect(isKontinueError(error, "RUNTIME_INVALID_DURATION"), String(bad)).toBe(true);
      expect((error as Error).message).toContain(`cannot read duration ${JSON.stringify(bad)}`);
    }
  });
});
