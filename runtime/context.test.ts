import { describe, expect, it } from "vitest";
import type { JournalEntry, Signal } from "../crds/index.ts";
import { ManualClock } from "./clock.ts";
import { ExecutionContext, type ChildState, type Context, type ContextHost, type Wait } from "./context.ts";
import { Journal, type NonDeterminismError } from "./journal.ts";
import { isKontinueError } from "./kontinue-error.ts";

type Outcome =
  | { kind: "returned"; value: unknown }
  | { kind: "threw"; error: unknown }
  | { kind: "parked"; waits: Wait[] }
  | { kind: "diverged"; error: NonDeterminismError }
  | { kind: "drained" };

/**
 * Runs one attempt of `run` over `steps` with an in-memory host; resolves when it returns, throws, parks or diverges.
 */
async function attempt(
  run: (ctx: Context) => Promise<unknown>,
  steps: JournalEntry[] = [],
  options: {
    clock?: ManualClock;
    children?: Record<string, ChildState>;
    known?: string[];
    signals?: Signal[];
    onStart?: (ctx: ExecutionContext) => void;
    onPark?: (waits: Wait[], signalsSeen: number) => void;
  } = {},
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
    park: (waits, signalsSeen) => {
      options.onPark?.(waits, signalsSeen);
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
  ctx = new ExecutionContext({
    executionName: "order-1",
    namespace: "default",
    attempt: 1,
    journal,
    host,
    signal: new AbortController().signal,
  });
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
    expect(first.steps).toMatchObject([
      { seq: 0, kind: "store", name: "fetch", status: "completed", value: { n: 1 }, attempts: 1 },
    ]);
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
      ctx.store(
        "charge",
        () => {
          tries++;
          throw new TypeError("card declined");
        },
        { retry: { maxAttempts: 3, initialInterval: 10 } },
      );
    const pending = attempt(run, [], { clock });
    for (let i = 0; i < 5; i++) await clock.advance(100);
    const first = await pending;
    expect(tries).toBe(3);
    expect(first.outcome.kind).toBe("threw");
    const error = (first.outcome as { error: Error }).error;
    expect(isKontinueError(error, "RUNTIME_STEP_FAILED")).toBe(true);
    expect(error.message).toBe('step 0 (store "charge") failed after 3 attempts: card declined');
    expect(first.steps[0]).toMatchObject({
      status: "failed",
      attempts: 3,
      error: { type: "TypeError", message: "card declined" },
    });
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
    expect(first.steps[0]).toMatchObject({
      kind: "sleep",
      status: "waiting",
      until: new Date(clock.now() + 600_000).toISOString(),
    });
    await clock.advance(300_000);
    expect((await attempt(run, first.steps, { clock })).outcome.kind).toBe("parked");
    await clock.advance(300_000);
    const due = await attempt(run, first.steps, { clock });
    expect(due.outcome).toEqual({ kind: "returned", value: "woke" });
    expect(due.steps[0]).toMatchObject({ status: "completed" });
  });

  it("rejects sleepUntil of something that is not a time, saying what to pass", async () => {
    const result = await attempt(async (ctx) => ctx.sleepUntil("next tuesday"));
    expect((result.outcome as { error: Error }).error.message).toBe(
      'cannot sleep until "next tuesday": not a time; pass a Date, an ISO 8601 string or epoch milliseconds',
    );
  });

  it("sleeps until a time, parked like a sleep", async () => {
    const clock = new ManualClock();
    const result = await attempt(async (ctx) => ctx.sleepUntil(new Date(clock.now() + 3_600_000)), [], { clock });
    expect(result.outcome).toEqual({
      kind: "parked",
      waits: [{ seq: 0, kind: "sleep", until: clock.now() + 3_600_000 }],
    });
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
    expect(first.outcome).toMatchObject({
      kind: "parked",
      waits: [{ child: "order-1-0" }, { child: "order-1-1" }, { child: "order-1-2" }],
    });
    const children = Object.fromEntries(
      [0, 1, 2].map((i) => [`order-1-${i}`, { phase: "completed", result: i * 10 } as ChildState]),
    );
    const done = await attempt(run, first.steps, { children });
    expect(done.outcome).toEqual({ kind: "returned", value: [0, 10, 20] });
    expect(done.started).toEqual([]);
  });

  it("rethrows a child's failure as a typed error", async () => {
    const run = async (ctx: Context) => ctx.execute("child", {});
    const first = await attempt(run);
    const failed = await attempt(run, first.steps, {
      children: { "order-1-0": { phase: "failed", message: "failed: boom" } },
    });
    const error = (failed.outcome as { error: unknown }).error;
    expect(isKontinueError(error, "RUNTIME_CHILD_FAILED")).toBe(true);
    expect((error as Error).message).toContain('child execution "order-1-0" (child) failed: boom');
  });

  it("waits for a function that is not deployed yet, then fails naming it once deployTimeout has passed", async () => {
    const clock = new ManualClock();
    const run = async (ctx: Context) => ctx.execute("nope", {}, { deployTimeout: "1m" });
    const first = await attempt(run, [], { clock });
    expect(first.outcome).toEqual({
      kind: "parked",
      waits: [{ seq: 0, kind: "execute", until: clock.now() + 15_000 }],
    });
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
    expect((second.outcome as { error: Error }).error.message).toContain(
      'at step 0: the journal recorded store "a" but the code now calls sleep "sleep"',
    );
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
    expect(first.lines).toEqual([
      'info {"execution":"order-1"} before',
      'info {"execution":"order-1","step":0} inside',
      'info {"execution":"order-1"} after',
    ]);
    expect((await attempt(run, first.steps)).lines).toEqual(['info {"execution":"order-1"} after']);
  });
});

describe("ExecutionContext parking", () => {
  it(
    "parks once the last running call finishes while another waits (regression: a fan-out resumed before its sleep " +
      "was due hung)",
    async () => {
      const clock = new ManualClock();
      const run = async (ctx: Context) => Promise.all([ctx.sleep("1h"), ctx.execute("child", {})]);
      const first = await attempt(run, [], { clock });
      expect(first.outcome.kind).toBe("parked");
      const second = await attempt(run, first.steps, {
        clock,
        children: { "order-1-1": { phase: "completed", result: 1 } },
      });
      expect(second.outcome).toMatchObject({ kind: "parked", waits: [{ kind: "sleep" }] });
      expect(second.steps[1]).toMatchObject({ status: "completed", value: 1 });
    },
  );
});

describe("replaying a recorded journal (runtime/testdata/process-order.journal.json, from a devcluster run)", () => {
  it("returns every recorded value and rethrows the recorded error without running any body", async () => {
    const { readFileSync } = await import("node:fs");
    const recorded = JSON.parse(
      readFileSync(new URL("./testdata/process-order.journal.json", import.meta.url), "utf8"),
    ) as {
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

describe("signals", () => {
  it("returns a signal sent before the wait, consumes each signal once, and replays which one it took", async () => {
    const signals: Signal[] = [
      { id: "s1", name: "approve", payload: { by: "ann" } },
      { id: "s2", name: "approve", payload: { by: "bob" } },
    ];
    const run = async (ctx: Context) => [await ctx.waitForSignal("approve"), await ctx.waitForSignal("approve")];
    const first = await attempt(run, [], { signals });
    expect(first.outcome).toEqual({ kind: "returned", value: [{ by: "ann" }, { by: "bob" }] });
    expect(first.steps.map((s) => [s.kind, s.name, s.signal])).toEqual([
      ["signal", "approve", "s1"],
      ["signal", "approve", "s2"],
    ]);
    const replayed = await attempt(run, first.steps, { signals: [] });
    expect(replayed.outcome).toEqual(first.outcome);
  });

  it("parks waiting for a signal, naming it and how many signals it had seen", async () => {
    let ctx!: ExecutionContext;
    let parked: unknown;
    const outcome = attempt(async (c) => c.waitForSignal("approve"), [], {
      signals: [{ id: "x", name: "other" }],
      onStart: (c) => (ctx = c),
      onPark: (_, seen) => (parked = seen),
    });
    const result = await outcome;
    expect(ctx).toBeDefined();
    expect(result.outcome).toEqual({ kind: "parked", waits: [{ seq: 0, kind: "signal", signal: "approve" }] });
    expect(parked).toBe(1);
  });

  it("wakes a waiting call when a signal arrives while another branch still runs", async () => {
    const clock = new ManualClock();
    const signals: Signal[] = [];
    let ctx!: ExecutionContext;
    const run = async (c: Context) => Promise.all([c.waitForSignal<string>("go"), c.sleep(1_000).then(() => "slept")]);
    const pending = attempt(run, [], { clock, signals, onStart: (c) => (ctx = c) });
    await new Promise((resolve) => setImmediate(resolve));
    signals.push({ id: "g", name: "go", payload: "went" });
    ctx.signalsChanged();
    await clock.advance(1_000);
    expect((await pending).outcome).toEqual({ kind: "returned", value: ["went", "slept"] });
  });

  it("times out a signal wait durably", async () => {
    const clock = new ManualClock();
    const run = async (ctx: Context) => ctx.waitForSignal("approve", { timeout: "1h" });
    const first = await attempt(run, [], { clock });
    expect(first.outcome).toMatchObject({
      kind: "parked",
      waits: [{ kind: "signal", until: clock.now() + 3_600_000 }],
    });
    await clock.advance(3_600_000);
    const late = await attempt(run, first.steps, { clock });
    expect((late.outcome as { error: Error }).error.message).toContain('no signal "approve" arrived within 1h');
  });
});

describe("recorded values and step deadlines", () => {
  it("records ctx.now() and ctx.random() so a replay sees the same values", async () => {
    const clock = new ManualClock();
    const run = async (ctx: Context) => {
      const at = ctx.now().toISOString();
      const roll = ctx.random();
      await ctx.store("after", () => 1);
      return { at, roll };
    };
    const first = await attempt(run, [], { clock });
    await clock.advance(60_000);
    const replayed = await attempt(run, first.steps, { clock });
    expect(replayed.outcome).toEqual(first.outcome);
    expect(first.steps.map((s) => s.kind)).toEqual(["now", "random", "store"]);
  });

  it("aborts a step try past its timeout and retries it, failing with a typed error when tries run out", async () => {
    const clock = new ManualClock();
    const aborted: unknown[] = [];
    const run = async (ctx: Context) =>
      ctx.store(
        "slow",
        (step) =>
          new Promise((resolve) =>
            step.signal.addEventListener("abort", () => (aborted.push(step.signal.reason), resolve("late"))),
          ),
        {
          timeout: "1s",
          retry: { maxAttempts: 2, initialInterval: 10 },
        },
      );
    const pending = attempt(run, [], { clock });
    for (let i = 0; i < 5; i++) await clock.advance(1_000);
    const result = await pending;
    expect(aborted).toHaveLength(2);
    expect(isKontinueError(aborted[0], "RUNTIME_STEP_TIMEOUT")).toBe(true);
    expect(result.steps[0]).toMatchObject({ status: "failed", attempts: 2, error: { type: "RUNTIME_STEP_TIMEOUT" } });
    expect((result.outcome as { error: Error }).error.message).toContain("ran past its timeout of 1000 ms");
  });
});

describe("bad arguments fail the call, naming it and the argument, and take no step", () => {
  it.each([
    [
      "a sleep without a duration",
      (ctx: Context) => ctx.sleep(undefined as never),
      "ctx.sleep: the duration must be a duration",
    ],
    ["a negative sleep", (ctx: Context) => ctx.sleep(-5), "ctx.sleep: the duration must be a duration"],
    [
      "a function name that is not a string",
      (ctx: Context) => ctx.execute(42 as never, {}),
      "ctx.execute: the function name must be a non-empty string, got 42",
    ],
    [
      "a store without a function",
      (ctx: Context) => ctx.store("x", "nope" as never),
      "ctx.store: the step function (second argument) must be a function",
    ],
    [
      "a store timeout that is not a duration",
      (ctx: Context) => ctx.store("x", () => 1, { timeout: "soon" }),
      'ctx.store("x"): options.timeout must be a duration',
    ],
    [
      "a poll without options",
      (ctx: Context) => ctx.poll(() => true, undefined as never),
      "ctx.poll: options must say how often",
    ],
    [
      "an unknown execute option",
      (ctx: Context) => ctx.execute("child", {}, { parent: 1 } as never),
      'ctx.execute("child"): options has unknown key(s) "parent"',
    ],
    [
      "a signal name that is empty",
      (ctx: Context) => ctx.waitForSignal(""),
      "ctx.waitForSignal: the signal name must be a non-empty string",
    ],
  ])("%s", async (_, call, message) => {
    const result = await attempt(async (ctx) => call(ctx));
    expect(result.outcome.kind).toBe("threw");
    expect((result.outcome as { error: Error }).error.message).toContain(message);
    expect(result.steps).toEqual([]);
  });

  it("records a thrown value that is not an Error as the step's failure", async () => {
    const result = await attempt(async (ctx) =>
      ctx.store("odd", () => Promise.reject("just a string"), { retry: { maxAttempts: 1 } }),
    );
    expect(result.steps[0]).toMatchObject({ status: "failed", error: { type: "Error", message: "just a string" } });
  });
});

describe("version 1 journals", () => {
  const entry = (seq: number, startedAt: string, finishedAt: string): JournalEntry => ({
    seq,
    kind: "store",
    name: `s${seq}`,
    status: "completed",
    value: seq,
    startedAt,
    finishedAt,
    attempts: 1,
  });

  it("replay when their calls ran one after another", () => {
    const journal = new Journal(
      "old",
      [
        entry(0, "2026-01-01T00:00:00Z", "2026-01-01T00:00:01Z"),
        entry(1, "2026-01-01T00:00:01Z", "2026-01-01T00:00:02Z"),
      ],
      1,
    );
    expect(journal.turns()).toEqual([[0], [1]]);
  });

  it("are refused, saying why, when their calls overlapped", () => {
    const overlapping = [
      entry(0, "2026-01-01T00:00:00Z", "2026-01-01T00:00:05Z"),
      entry(1, "2026-01-01T00:00:01Z", "2026-01-01T00:00:02Z"),
    ];
    expect(() => new Journal("old", overlapping, 1)).toThrow(
      'execution "old" has a version 1 journal that this runtime (version 2) cannot replay: steps 0 and 1 ran ' +
        "concurrently",
    );
  });
});
