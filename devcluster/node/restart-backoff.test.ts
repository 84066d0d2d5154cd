import { describe, expect, it } from "vitest";
import { PodIpPool } from "./pod-ip-pool.ts";
import { defaultRestartBackoff, restartDelay } from "./restart-backoff.ts";

describe("restartDelay", () => {
  it("doubles from 10 s up to 5 minutes and resets after 10 minutes of running", () => {
    const delays: number[] = [];
    let delay: number | undefined;
    for (let crash = 0; crash < 8; crash++) delays.push((delay = restartDelay(defaultRestartBackoff, delay, 1_000)));
    expect(delays).toEqual([10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
    expect(restartDelay(defaultRestartBackoff, 300_000, 600_000)).toBe(10_000);
  });
});

describe("PodIpPool", () => {
  it("gives each live Pod its own loopback address and reuses released ones", () => {
    const pool = new PodIpPool({ first: "127.1.0.254" });
    const a = pool.allocate("a");
    const b = pool.allocate("b");
    expect([a, b]).toEqual(["127.1.0.254", "127.1.1.1"]);
    expect(pool.allocate("a")).toBe(a);
    pool.release("a");
    expect(pool.allocate("c")).toBe(a);
  });
});
