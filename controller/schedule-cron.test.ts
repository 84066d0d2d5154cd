import { describe, expect, it } from "vitest";
import { isKontinueError } from "../runtime/index.ts";
import { parseCronSchedule } from "./schedule-cron.ts";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe("parseCronSchedule", () => {
  it("takes five fields (minutes) or six (seconds first)", () => {
    const minutes = parseCronSchedule("*/15 * * * *");
    expect(minutes.resolution).toBe("minutes");
    expect(iso(minutes.next(at("2026-01-01T00:14:59Z")))).toBe("2026-01-01T00:15:00.000Z");
    const seconds = parseCronSchedule("*/10 * * * * *");
    expect(seconds.resolution).toBe("seconds");
    expect(iso(seconds.next(at("2026-01-01T00:00:10Z")))).toBe("2026-01-01T00:00:20.000Z");
    expect(parseCronSchedule("@hourly").resolution).toBe("minutes");
  });

  it("evaluates the rule in its time zone, across a daylight-saving change", () => {
    const nineInNewYork = parseCronSchedule("0 9 * * *", "America/New_York");
    expect(iso(nineInNewYork.next(at("2026-03-07T15:00:00Z")))).toBe("2026-03-08T13:00:00.000Z");
    expect(iso(nineInNewYork.next(at("2026-03-06T15:00:00Z")))).toBe("2026-03-07T14:00:00.000Z");
  });

  it("finds the latest slot at or before a time, after a bound, and counts slots up to a limit", () => {
    const cron = parseCronSchedule("* * * * *");
    expect(iso(cron.latest(at("2026-01-01T00:05:00Z"), 0))).toBe("2026-01-01T00:05:00.000Z");
    expect(iso(cron.latest(at("2026-01-01T00:05:59Z"), 0))).toBe("2026-01-01T00:05:00.000Z");
    expect(cron.latest(at("2026-01-01T00:05:59Z"), at("2026-01-01T00:05:00Z"))).toBeUndefined();
    expect(cron.count(at("2026-01-01T00:00:00Z"), at("2026-01-01T00:05:00Z"), 100)).toBe(5);
    expect(cron.count(at("2026-01-01T00:00:00Z"), at("2026-01-02T00:00:00Z"), 101)).toBe(101);
  });

  it("names what is wrong with a rule or a time zone", () => {
    const cases: [string, string | undefined, string][] = [
      ["61 * * * *", undefined, 'schedule "61 * * * *" is invalid: Constraint error'],
      ["* * *", undefined, "it has 3 field(s); write 5 (minute hour day month weekday), 6 (seconds first)"],
      ["0 9 * * *", "Mars/Olympus", 'schedule "0 9 * * *" in time zone "Mars/Olympus" is invalid: unknown time zone'],
    ];
    for (const [schedule, timeZone, message] of cases) {
      let thrown: unknown;
      try {
        parseCronSchedule(schedule, timeZone);
      } catch (error) {
        thrown = error;
      }
      expect(isKontinueError(thrown, "CONTROLLER_INVALID_SCHEDULE"), schedule).toBe(true);
      expect((thrown as Error).message).toContain(message);
    }
  });
});
