import { describe, expect, it } from "vitest";
import type { JournalEntry, Signal } from "../crds/index.ts";
import { ManualClock } from "./clock.ts";
import { ExecutionContext, type ChildState, type Context, type ContextHost, type Wait } from "./context.ts";
import { Journal, NonDeterminismError } from "./journal.ts";
import { isKontinueError } from "./kontinue-error.ts";

type Outcome = { kind: "returned"; value: unknown } | { kind: "threw"; error: unknown } | { kind: "parked"; waits: Wait[] } | { kind: "diverged"; error: NonDeterminismError } | { kind: "drained" };

/** Runs one attempt of `run` over `steps` with an in-memory host; resolves when it returns, throws, parks or diverges. */
async function attempt(
  run: (ctx: Context) => Promise<unknown>,
  steps: JournalEntry[] = [],
  options: { clock?: ManualClock; children?: Record<string, ChildState>; known?: string[]; signals?: Signal[]; onStart?: (ctx: ExecutionContext) => void } = {},
) {
  const clock = options.clock ?? new ManualClock();
  const journal = new Journal("order-1", steps);
  let checkpoints = 0;
  const started: string[] = [];
  const lines: string[] = [];
  let settle!: (outcome: Outcome) => void;
  const done = new Promise<Outcome>((resolve) => (settle = resolve));
  let ctx!: ExecutionContext;
  const host: ContextHost = {
    clock,
    checkpoint: async () => void checkpoints++,
    knowsFunction: async (name) => (options.known ?? ["child"]).includes(name),
    childName: (seq) => `order-1-${seq}`,
    startChild: async ({ name }) => void started.push(name),
    readChild: async (name) => options.children?.[name] ?? { phase: "running" },
    signals: () => options.signals ?? [],
    park: (waits) => {
      ctx.end();
      settle({ kind: "parked", waits });
    },
    diverged: (error) => {
      ctx.end();
      settle({ kind: "diverged", error });
    },
    drained: () => {
      ctx.end();
      settle({ kind: "drained" });
    },
    log: (level, message, tags) => lines.push(`${level} ${JSON.stringify(tags)} ${message}`),
  };
  ctx = new ExecutionContext({ executionName: "order-1", namespace: "default", attempt: 1, journal, host, signal: new AbortController().signal });
  options.onStart?.(ctx);
  run(ctx).then(
    (value) => settle({ kind: "returned", value }),
    (error: unknown) => settle({ kind: "threw", error }),
  );
  const outcome = await done;
  return { outcome, steps: journal.steps(), checkpoints, started, lines };
}

describe("ExecutionContext", () => {
  it("runs a store once, then replays its value without running it", async () => {
    let runs = 0;
    const run = async (ctx: Context) => ctx.store("fetch", () => ({ n: ++runs }));
    const first = await attempt(run);
    expect(first.outcome).toEqual({ kind: "returned", value: { n: 1 } });
    expect(first.steps).toMatchObject([{ seq: 0, kind: "store", name: "fetch", status: "completed", value: { n: 1 }, attempts: 1 }]);
    expect(first.checkpoints).toBe(1);
    const second = await attempt(run, first.steps);
    expect(second.outcome).toEqual({ kind: "returned", value: { n: 1 } });
    expect(runs).toBe(1);
    expect(second.checkpoints).toBe(0);
  });

  it("retries a failing step, records the error, and rethrows the same error on replay", async () => {
    const clock = new ManualClock();
    let tries = 0;
    const run = async (ctx: Context) =>
      ctx.store("charge", () => {
        tries++;
        throw new TypeError("card declined");
      }, { retry: { maxAttempts: 3, initialInterval: 10 } });
    const pending = attempt(run, [], { clock });
    for (let i = 0; i < 5; i++) await clock.advance(100);
    const first = await pending;
    expect(tries).toBe(3);
    expect(first.outcome.kind).toBe("threw");
    const error = (first.outcome as { error: Error }).error;
    expect(isKontinueError(error, "RUNTIME_STEP_FAILED")).toBe(true);
    expect(error.message).toBe('step 0 (store "charge") failed after 3 attempts: card declined');
    expect(first.steps[0]).toMatchObject({ status: "failed", attempts: 3, error: { type: "TypeError", message: "card declined" } });
    const replayed = await attempt(run, first.steps);
    expect((replayed.outcome as { error: Error }).error.message).toBe(error.message);
    expect(tries).toBe(3);
  });

  it("parks a long sleep with its due time and completes it once due", async () => {
    const clock = new ManualClock();
    const run = async (ctx: Context) => {
      await ctx.sleep("10m");
      return "woke";
    };
    const first = await attempt(run, [], { clock });
    expect(first.outcome).toEqual({ kind: "parked", waits: [{ seq: 0, kind: "sleep", until: clock.now() + 600_000 }] });
    expect(first.steps[0]).toMatchObject({ kind: "sleep", status: "waiting", until: new Date(clock.now() + 600_000).toISOString() });
    await clock.advance(300_000);
    expect((await attempt(run, first.steps, { clock })).outcome.kind).toBe("parked");
    await clock.advance(300_000);
    const due = await attempt(run, first.steps, { clock });
    expect(due.outcome).toEqual({ kind: "returned", value: "woke" });
    expect(due.steps[0]).toMatchObject({ status: "completed" });
  });

  it("rejects sleepUntil of something that is not a time, saying what to pass", async () => {
    const result = await attempt(async (ctx) => ctx.sleepUntil("next tuesday"));
    expect((result.outcome as { error: Error }).error.message).toBe('cannot sleep until "next tuesday": not a time; pass a Date, an ISO 8601 string or epoch milliseconds');
  });

  it("sleeps until a time, parked like a sleep", async () => {
    const clock = new ManualClock();
    const result = await attempt(async (ctx) => ctx.sleepUntil(new Date(clock.now() + 3_600_000)), [], { clock });
    expect(result.outcome).toEqual({ kind: "parked", waits: [{ seq: 0, kind: "sleep", until: clock.now() + 3_600_000 }] });
    expect(result.steps[0]).toMatchObject({ kind: "sleep", name: "sleepUntil", status: "waiting" });
  });

  it("waits out a short sleep in process", async () => {
    const clock = new ManualClock();
    const pending = attempt(async (ctx) => ctx.sleep(500), [], { clock });
    await clock.advance(500);
    expect((await pending).outcome).toEqual({ kind: "returned", value: undefined });
  });

  it("parks a fan-out once every child is started, and returns their results in order", async () => {
    const run = async (ctx: Context) => Promise.all([1, 2, 3].map((n) => ctx.execute("child", { n })));
    const first = await attempt(run);
    expect(first.started).toEqual(["order-1-0", "order-1-1", "order-1-2"]);
    expect(first.outcome).toMatchObject({ kind: "parked", waits: [{ child: "order-1-0" }, { child: "order-1-1" }, { child: "order-1-2" }] });
    const children = Object.fromEntries([0, 1, 2].map((i) => [`order-1-${i}`, { phase: "completed", result: i * 10 } as ChildState]));
    const done = await attempt(run, first.steps, { children });
    expect(done.outcome).toEqual({ kind: "returned", value: [0, 10, 20] });
    expect(done.started).toEqual([]);
  });

  it("rethrows a child's failure as a typed error", async () => {
    const run = async (ctx: Context) => ctx.execute("child", {});
    const first = await attempt(run);
    const failed = await attempt(run, first.steps, { children: { "order-1-0": { phase: "failed", message: "failed: boom" } } });
    const error = (failed.outcome as { error: unknown }).error;
    expect(isKontinueError(error, "RUNTIME_CHILD_FAILED")).toBe(true);
    expect((error as Error).message).toContain('child execution "order-1-0" (child) failed: boom');
  });

  it("waits for a function that is not deployed yet, then fails naming it once deployTimeout has passed", async () => {
    const clock = new ManualClock();
    const run = async (ctx: Context) => ctx.execute("nope", {}, { deployTimeout: "1m" });
    const first = await attempt(run, [], { clock });
    expect(first.outcome).toEqual({ kind: "parked", waits: [{ seq: 0, kind: "execute", until: clock.now() + 15_000 }] });
    expect(first.steps[0]).toMatchObject({ kind: "execute", function: "nope", status: "waiting" });
    await clock.advance(20_000);
    const deployed = await attempt(run, first.steps, { clock, known: ["nope"] });
    expect(deployed.started).toEqual(["order-1-0"]);
    await clock.advance(60_000);
    const late = await attempt(run, first.steps, { clock });
    expect((late.outcome as { error: Error }).error.message).toContain('function "nope" is unknown');
    expect(late.started).toEqual([]);
  });

  it("polls until the condition holds, parking between checks, and times out durably", async () => {
    const clock = new ManualClock();
    let ready = false;
    const run = async (ctx: Context) => ctx.poll(() => ready && "shipped", { every: "1m", timeout: "3m" });
    const first = await attempt(run, [], { clock });
    expect(first.outcome).toMatchObject({ kind: "parked", waits: [{ kind: "poll", until: clock.now() + 60_000 }] });
    await clock.advance(60_000);
    ready = true;
    expect((await attempt(run, first.steps, { clock })).outcome).toEqual({ kind: "returned", value: "shipped" });
    ready = false;
    let steps = first.steps;
    for (let i = 0; i < 3; i++) {
      await clock.advance(60_000);
      steps = (await attempt(run, steps, { clock })).steps;
    }
    expect(steps[0]).toMatchObject({ status: "failed", error: { type: "RUNTIME_POLL_TIMEOUT" } });
  });

  it("reports a call that differs from the journal as non-determinism naming both calls", async () => {
    const first = await attempt(async (ctx) => ctx.store("a", () => 1));
    const second = await attempt(async (ctx) => ctx.sleep("1h"), first.steps);
    expect(second.outcome.kind).toBe("diverged");
    expect((second.outcome as { error: Error }).error.message).toContain('at step 0: the journal recorded store "a" but the code now calls sleep "sleep"');
  });

  it("fails a step whose value is not JSON, naming the step", async () => {
    const result = await attempt(async (ctx) => ctx.store("make", () => ({ when: new Date(0) })));
    const error = (result.outcome as { error: Error }).error;
    expect(error.message).toContain('the value of step 0 (store "make") is not JSON: "when" is a Date instance');
    expect(result.steps[0]).toMatchObject({ status: "failed", attempts: 1, error: { type: "RUNTIME_NOT_JSON" } });
  });

  it("tags log lines with execution and step, and stays silent while replaying", async () => {
    const run = async (ctx: Context) => {
      ctx.log.info("before");
      await ctx.store("s", (step) => step.log.info("inside"));
      ctx.log.info("after");
    };
    const first = await attempt(run);
    expect(first.lines).toEqual(['info {"execution":"order-1"} before', 'info {"execution":"order-1","step":0} inside', 'info {"execution":"order-1"} after']);
    expect((await attempt(run, first.steps)).lines).toEqual(['info {"execution":"order-1"} after']);
  });
});

describe("ExecutionContext parking", () => {
  it("parks once the last running call finishes while another waits (regression: a fan-out resumed before its sleep was due hung)", async () => {
    const clock = new ManualClock();
    const run = async (ctx: Context) => Promise.all([ctx.sleep("1h"), ctx.execute("child", {})]);
    const first = await attempt(run, [], { clock });
    expect(first.outcome.kind).toBe("parked");
    const second = await attempt(run, first.steps, { clock, children: { "order-1-1": { phase: "completed", result: 1 } } });
    expect(second.outcome).toMatchObject({ kind: "parked", waits: [{ kind: "sleep" }] });
    expect(second.steps[1]).toMatchObject({ status: "completed", value: 1 });
  });
});

describe("replaying a recorded journal (runtime/testdata/process-order.journal.json, from a devcluster run)", () => {
  it("returns every recorded value and rethrows the recorded error without running any body", async () => {
    const { readFileSync } = await import("node:fs");
    const recorded = JSON.parse(readFileSync(new URL("./testdata/process-order.journal.json", import.meta.url), "utf8")) as {
      arguments: { orderId: string };
      status: { result: unknown; state: { steps: JournalEntry[] } };
    };
    let bodies = 0;
    let notifyError = "";
    const run = async (ctx: Context) => {
      const order = await ctx.store("fetch-order", () => (bodies++, { id: recorded.arguments.orderId, total: 0 }));
      await ctx.sleep(1_500);
      const paid = await ctx.execute("chargeCard", { amount: order.total });
      await ctx.poll(() => (bodies++, false), { every: "1s", timeout: "1m", name: "shipped" });
      try {
        await ctx.store("notify", () => void bodies++);
      } catch (error) {
        notifyError = (error as Error).message;
      }
      return { ok: true, paid };
    };
    const replayed = await attempt(run, recorded.status.state.steps, { known: ["chargeCard"] });
    expect(replayed.outcome).toEqual({ kind: "returned", value: recorded.status.result });
    expect(bodies).toBe(0);
    expect(replayed.checkpoints).toBe(0);
    expect(replayed.started).toEqual([]);
    expect(notifyError).toBe('step 4 (store "notify") failed after 2 attempts: mail server down');
  });
});

describe("ExecutionContext draining", () => {
  it("lets the running step finish and be checkpointed, then starts nothing new", async () => {
    let release!: () => void;
    const ran: string[] = [];
    let context!: ExecutionContext;
    const result = attempt(
      async (ctx) => {
        await ctx.store("running", () => new Promise<void>((resolve) => (ran.push("running"), (release = resolve))));
        await ctx.store("next", () => void ran.push("next"));
      },
      [],
      { onStart: (ctx) => (context = ctx) },
    );
    await new Promise((resolve) => setImmediate(resolve));
    context.drain();
    release();
    const drained = await result;
    expect(drained.outcome).toEqual({ kind: "drained" });
    expect(ran).toEqual(["running"]);
    expect(drained.steps.map((s) => [s.name, s.status])).toEqual([["running", "completed"]]);
    expect(drained.checkpoints).toBe(1);
  });
});
