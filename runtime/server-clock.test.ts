import { describe, expect, it } from "vitest";
import { ManualClock } from "./clock.ts";
import { ServerClock } from "./server-clock.ts";

/** A server whose clock runs `skewMs` ahead of the local one, answering after `rttMs` (stamped half-way). */
function exchange(clock: ServerClock, local: ManualClock, skewMs: number, rttMs: number): void {
  const sentAt = local.now();
  const stampedAt = sentAt + rttMs / 2 + skewMs;
  clock.observe(new Date(Math.floor(stampedAt / 1000) * 1000).toUTCString(), sentAt, sentAt + rttMs);
}

describe("ServerClock", () => {
  it("is the local clock until a response is observed", () => {
    const local = new ManualClock(Date.parse("2026-01-01T00:00:00.250Z"));
    const clock = new ServerClock({ local });
    expect(clock.offsetMs).toBeUndefined();
    expect(clock.now()).toBe(local.now());
  });

  for (const skewMs of [60_000, -60_000, 1_234]) {
    it(`estimates a server ${skewMs} ms off within half a second, and closer with more responses`, async () => {
      const local = new ManualClock(Date.parse("2026-01-01T00:00:00.250Z"));
      const clock = new ServerClock({ local });
      exchange(clock, local, skewMs, 20);
      expect(Math.abs(clock.now() - (local.now() + skewMs))).toBeLessThanOrEqual(520);
      for (let i = 0; i < 20; i++) {
        await local.advance(1_000 + 37 * i);
        exchange(clock, local, skewMs, 20);
      }
      expect(Math.abs(clock.offsetMs! - skewMs)).toBeLessThanOrEqual(60);
    });
  }

  it("starts over when the server's clock is stepped", async () => {
    const local = new ManualClock(Date.parse("2026-01-01T00:00:00.250Z"));
    const clock = new ServerClock({ local });
    exchange(clock, local, 0, 10);
    await local.advance(5_000);
    exchange(clock, local, 3_600_000, 10);
    expect(Math.abs(clock.offsetMs! - 3_600_000)).toBeLessThanOrEqual(510);
  });

  it("ignores responses without a usable Date header", () => {
    const local = new ManualClock();
    const clock = new ServerClock({ local });
    clock.observe(undefined, 0, 10);
    clock.observe("not a date", 0, 10);
    expect(clock.offsetMs).toBeUndefined();
  });

  it(
    "never runs backwards when a new response moves the estimate back (regression: a sleep's remaining time " +
      "shrank)",
    () => {
      const local = new ManualClock(1_000_000);
      const clock = new ServerClock({ local });
      clock.observe(new Date(1_000_000).toUTCString(), 999_000, 1_000_000);
      const first = clock.now();
      clock.observe(new Date(1_000_000).toUTCString(), 1_000_000, 1_000_000);
      expect(clock.now()).toBeGreaterThanOrEqual(first);
    },
  );
});
