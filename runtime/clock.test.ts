import { afterEach, describe, expect, it, vi } from "vitest";
import { MAX_TIMER_MS, systemClock } from "./clock.ts";

afterEach(() => vi.useRealTimers());

describe("systemClock.sleep", () => {
  it(
    "wakes a sleep longer than setTimeout's limit at its time, not at once (regression: 24.8 days fired " + "early)",
    async () => {
      vi.useFakeTimers({ now: 0 });
      let woke = false;
      const days40 = 40 * 86_400_000;
      void systemClock.sleep(days40).then(() => (woke = true));
      await vi.advanceTimersByTimeAsync(MAX_TIMER_MS + 1_000);
      expect(woke).toBe(false);
      await vi.advanceTimersByTimeAsync(days40 - MAX_TIMER_MS - 2_000);
      expect(woke).toBe(false);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(woke).toBe(true);
      expect(vi.getTimerCount()).toBe(0);
    },
  );

  it("stops a long sleep when its signal aborts", async () => {
    vi.useFakeTimers({ now: 0 });
    const abort = new AbortController();
    const sleeping = systemClock.sleep(40 * 86_400_000, abort.signal);
    abort.abort(new Error("stop"));
    await expect(sleeping).rejects.toThrow("stop");
    expect(vi.getTimerCount()).toBe(0);
  });
});
