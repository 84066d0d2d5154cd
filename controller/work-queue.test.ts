import { describe, expect, it } from "vitest";
import { systemClock } from "../runtime/index.ts";
import { WorkQueue, splitKey } from "./work-queue.ts";

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

describe("WorkQueue", () => {
  it("queues a key once, never reconciles it twice at once, and re-runs it if it changed meanwhile", async () => {
    const seen: string[] = [];
    let active = 0;
    let maxActive = 0;
    const queue = new WorkQueue({
      name: "t",
      clock: systemClock,
      reconcile: async (key) => {
        active++;
        maxActive = Math.max(maxActive, active);
        seen.push(key);
        await tick(20);
        active--;
        return {};
      },
    });
    queue.add("ns/a");
    queue.add("ns/a");
    await tick(5);
    queue.add("ns/a");
    await tick(80);
    expect(seen).toEqual(["ns/a", "ns/a"]);
    expect(maxActive).toBe(1);
    await queue.stop();
  });

  it("requeues after requeueAfter, and backs off after errors", async () => {
    const times: number[] = [];
    let calls = 0;
    const queue = new WorkQueue({
      name: "t",
      clock: systemClock,
      reconcile: async () => {
        times.push(Date.now());
        calls++;
        if (calls <= 2) throw new Error("conflict");
        return calls === 3 ? { requeueAfter: 50 } : {};
      },
    });
    queue.add("ns/b");
    await tick(200);
    expect(calls).toBe(4);
    expect(times[3]! - times[2]!).toBeGreaterThanOrEqual(45);
    await queue.stop();
  });

  it("splits keys", () => {
    expect(splitKey("ns/name")).toEqual({ namespace: "ns", name: "name" });
  });
});
