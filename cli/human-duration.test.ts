import { describe, expect, it } from "vitest";
import { age, humanDuration } from "./human-duration.ts";

describe("humanDuration", () => {
  it("prints durations as kubectl's AGE column does", () => {
    const s = 1000;
    expect(humanDuration(42 * s)).toBe("42s");
    expect(humanDuration(119 * s)).toBe("119s");
    expect(humanDuration(192 * s)).toBe("3m12s");
    expect(humanDuration(300 * s)).toBe("5m");
    expect(humanDuration(45 * 60 * s)).toBe("45m");
    expect(humanDuration((5 * 60 + 30) * 60 * s)).toBe("5h30m");
    expect(humanDuration(20 * 3600 * s)).toBe("20h");
    expect(humanDuration((3 * 24 + 4) * 3600 * s)).toBe("3d4h");
    expect(humanDuration(12 * 24 * 3600 * s)).toBe("12d");
    expect(humanDuration(3 * 365 * 24 * 3600 * s)).toBe("3y");
    expect(humanDuration(-5)).toBe("0s");
  });

  it("gives <unknown> for a missing or invalid timestamp", () => {
    const now = Date.parse("2026-01-01T00:10:00Z");
    expect(age("2026-01-01T00:00:00Z", now)).toBe("10m");
    expect(age(undefined, now)).toBe("<unknown>");
    expect(age("not a time", now)).toBe("<unknown>");
  });
});
