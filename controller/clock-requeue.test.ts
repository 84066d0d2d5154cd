import { describe, expect, it } from "vitest";
import { ManualClock } from "../runtime/index.ts";
import { requeueOnClock } from "./clock-requeue.ts";

describe("requeueOnClock", () => {
  it(
    "queues the key again when the injected clock reaches requeueAfter, not before; the earlier of two wakes " + "wins",
    async () => {
      const clock = new ManualClock(0);
      const added: string[] = [];
      const answers = [5_000, 1_000, 9_000];
      const reconcile = requeueOnClock(async () => ({ requeueAfter: answers.shift()! }), {
        clock,
        add: (key) => added.push(`${key}@${clock.now()}`),
        signal: new AbortController().signal,
      });
      expect(await reconcile("ns/a")).toEqual({});
      await reconcile("ns/a");
      await reconcile("ns/a");
      await clock.advance(999);
      expect(added).toEqual([]);
      await clock.advance(1);
      expect(added).toEqual(["ns/a@1000"]);
      await clock.advance(20_000);
      expect(added, "the replaced 5 s wake and the later 9 s one do not fire").toEqual(["ns/a@1000"]);
    },
  );

  it("queues at once for requeueAfter ≤ 0, and drops every wake when stopped", async () => {
    const clock = new ManualClock(0);
    const added: string[] = [];
    const stop = new AbortController();
    let next = 0;
    const reconcile = requeueOnClock(async () => ({ requeueAfter: next }), {
      clock,
      add: (key) => added.push(key),
      signal: stop.signal,
    });
    await reconcile("ns/now");
    expect(added).toEqual(["ns/now"]);
    next = 1_000;
    await reconcile("ns/later");
    stop.abort();
    await clock.advance(5_000);
    expect(added).toEqual(["ns/now"]);
    expect(clock.pending).toBe(0);
  });
});

it("wakes a requeue further away than a timer can wait at the timer's limit, not at once", async () => {
  const clock = new ManualClock(0);
  const added: number[] = [];
  const reconcile = requeueOnClock(async () => ({ requeueAfter: 365 * 24 * 3600_000 }), {
    clock,
    add: () => added.push(clock.now()),
    signal: new AbortController().signal,
  });
  await reconcile("ns/yearly");
  await clock.advance(2 ** 31 - 2);
  expect(added).toEqual([]);
  await clock.advance(1);
  expect(added).toEqual([2 ** 31 - 1]);
});

it("counts requeueAfter from when the reconcile started, though time moved while it ran", async () => {
  const clock = new ManualClock(0);
  const added: number[] = [];
  const reconcile = requeueOnClock(
    async () => {
      await clock.advance(400);
      return { requeueAfter: 1_000 };
    },
    { clock, add: () => added.push(clock.now()), signal: new AbortController().signal },
  );
  await reconcile("ns/slow");
  await clock.advance(600);
  expect(added).toEqual([1_000]);
});
