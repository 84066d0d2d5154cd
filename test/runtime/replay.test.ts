// Replay over devcluster: every ctx call kind, in sequence and in parallel; stored errors rethrown;
// non-determinism parks the execution until a different image runs it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningController } from "../../controller/index.ts";
import { defineFunction, isKontinueError, type Worker } from "../../runtime/index.ts";
import {
  createExecution,
  createFunction,
  startTestController,
  startWorker,
  testCluster,
  waitFinished,
  waitFor,
  waitPhase,
  type TestCluster,
} from "./runtime-harness.ts";

let cluster: TestCluster;
let controller: RunningController;
const workers: Worker[] = [];

beforeAll(async () => {
  cluster = await testCluster("replay");
  controller = await startTestController(cluster);
});
afterAll(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.stop(0)));
  await controller?.stop();
});

describe("replay", () => {
  // The scenario of issue 7: fetches that finish out of program order, then a step per branch, then a park.
  it.each([
    ["the same name in every branch", "processSame", (_item: string) => "process"],
    ["a name per branch", "processEach", (item: string) => `process-${item}`],
  ])("keeps each branch's values across a park with %s", async (_, fn, processName) => {
    const delays: Record<string, number> = { a: 120, b: 60, c: 0 };
    workers.push(
      await startWorker(
        cluster,
        fn,
        defineFunction({
          run: async (ctx, args: { items: string[] }) => {
            const results = await Promise.all(
              args.items.map(async (item) => {
                const fetched = await ctx.store(`fetch-${item}`, async () => {
                  await new Promise((resolve) => setTimeout(resolve, delays[item]));
                  return `fetched ${item}`;
                });
                return ctx.store(processName(item), () => `${fetched}, processed`);
              }),
            );
            await ctx.sleep(2_500);
            return results;
          },
        }),
        { inProcessWaitMs: 1_000 },
      ),
    );
    await createExecution(cluster, `${fn.toLowerCase()}-1`, fn, { items: ["a", "b", "c"] });
    const done = await waitFinished(cluster, `${fn.toLowerCase()}-1`);
    expect(done.status?.phase).toBe("Completed");
    expect(done.status?.result).toEqual(["fetched a, processed", "fetched b, processed", "fetched c, processed"]);
    expect(done.status?.state?.version).toBe(2);
    expect(done.status!.attempt).toBeGreaterThanOrEqual(2);
  });

  it("runs store, sleep, poll and execute in sequence, each body once across suspensions", async () => {
    const runs = { fetch: 0, check: 0, child: 0 };
    await createFunction(cluster, "addOne");
    workers.push(
      await startWorker(
        cluster,
        "addOne",
        defineFunction({
          run: async (ctx, args: { n: number }) => {
            await ctx.store("count", () => ++runs.child);
            return args.n + 1;
          },
        }),
      ),
    );
    let checks = 0;
    workers.push(
      await startWorker(
        cluster,
        "sequence",
        defineFunction({
          run: async (ctx, args: { n: number }) => {
            const a = await ctx.store("fetch", () => (runs.fetch++, args.n * 10));
            await ctx.sleep(2_500);
            const ready = await ctx.poll(() => (runs.check++, ++checks >= 2 ? "ready" : false), {
              every: "2500ms",
              timeout: "1m",
            });
            const b = await ctx.execute<typeof import("./functions/add-one.ts").default>("addOne", { n: a });
            return { a, ready, b };
          },
        }),
        { inProcessWaitMs: 1_000 },
      ),
    );
    await createExecution(cluster, "seq-1", "sequence", { n: 4 });
    const done = await waitFinished(cluster, "seq-1");
    expect(done.status?.phase).toBe("Completed");
    expect(done.status?.result).toEqual({ a: 40, ready: "ready", b: 41 });
    expect(runs).toEqual({ fetch: 1, check: 2, child: 1 });
    const steps = done.status?.state?.steps ?? [];
    expect(steps.map((s) => [s.seq, s.kind, s.name, s.status])).toEqual([
      [0, "store", "fetch", "completed"],
      [1, "sleep", "sleep", "completed"],
      [2, "poll", "poll", "completed"],
      [3, "execute", "addOne", "completed"],
    ]);
    for (const step of steps) expect(Date.parse(step.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(step.startedAt));
    expect(steps[3]!.child).toBe("seq-1-3");
    expect(done.status!.attempt).toBeGreaterThanOrEqual(3);
  });

  it("runs calls in parallel: Promise.all over stores, sleeps and children", async () => {
    await createFunction(cluster, "square");
    workers.push(
      await startWorker(
        cluster,
        "square",
        defineFunction({ run: async (ctx, n: number) => ctx.store("sq", () => n * n) }),
      ),
    );
    const bodies: string[] = [];
    workers.push(
      await startWorker(
        cluster,
        "parallel",
        defineFunction({
          run: async (ctx) => {
            const [x, y, , squares] = await Promise.all([
              ctx.store("x", async () => (bodies.push("x"), "X")),
              ctx.store("y", async () => (bodies.push("y"), "Y")),
              ctx.sleep(2_500),
              Promise.all([2, 3, 4].map((n) => ctx.execute("square", n))),
            ]);
            return { x, y, squares };
          },
        }),
        { inProcessWaitMs: 1_000 },
      ),
    );
    await createExecution(cluster, "par-1", "parallel", null);
    const done = await waitFinished(cluster, "par-1");
    expect(done.status?.result).toEqual({ x: "X", y: "Y", squares: [4, 9, 16] });
    expect(bodies.sort()).toEqual(["x", "y"]);
    expect(done.status?.state?.steps?.map((s) => `${s.seq}:${s.kind}:${s.status}`)).toEqual([
      "0:store:completed",
      "1:store:completed",
      "2:sleep:completed",
      "3:execute:completed",
      "4:execute:completed",
      "5:execute:completed",
    ]);
  });

  it("rethrows a stored step error on replay exactly as the first time", async () => {
    let tries = 0;
    workers.push(
      await startWorker(
        cluster,
        "flaky",
        defineFunction({
          run: async (ctx) => {
            let first = "";
            try {
              await ctx.store(
                "charge",
                () => {
                  tries++;
                  throw new RangeError("card declined");
                },
                { retry: { maxAttempts: 2, initialInterval: 10 } },
              );
            } catch (error) {
              const { name, message } = error as Error;
              first = `${name}|${isKontinueError(error, "RUNTIME_STEP_FAILED")}|${message}`;
            }
            await ctx.sleep(2_500);
            const afterReplay = await ctx.store("echo", () => first);
            return { first, afterReplay };
          },
        }),
        { inProcessWaitMs: 1_000 },
      ),
    );
    await createExecution(cluster, "flaky-1", "flaky", null);
    const done = await waitFinished(cluster, "flaky-1");
    expect(tries).toBe(2);
    const result = done.status?.result as { first: string; afterReplay: string };
    expect(result.first).toBe('StepFailedError|true|step 0 (store "charge") failed after 2 attempts: card declined');
    expect(done.status?.state?.steps?.[0]).toMatchObject({
      status: "failed",
      attempts: 2,
      error: { type: "RangeError", message: "card declined" },
    });
    expect(done.status?.attempt).toBeGreaterThanOrEqual(2);
  });

  it(
    "parks a non-deterministic execution with a Suspension naming the step, and a changed image resumes " + "it",
    async () => {
      await createFunction(cluster, "drifting", { image: "img-2" });
      const original = defineFunction({
        run: async (ctx) => {
          await ctx.store("a", () => "A");
          await ctx.sleep(2_500);
          return ctx.store("c", () => "C");
        },
      });
      const changed = defineFunction({ run: async (ctx) => ctx.store("b", () => "B") });
      const v1 = await startWorker(cluster, "drifting", original, { image: "img-1", inProcessWaitMs: 1_000 });
      await createExecution(cluster, "drift-1", "drifting", null);
      await waitPhase(cluster, "drift-1", "Suspended");
      await v1.stop(0);
      const v2 = await startWorker(cluster, "drifting", changed, { image: "img-2" });
      const parked = await waitFor(
        "a NonDeterminism suspension",
        () => cluster.resources.suspensions.get(cluster.namespace, "drift-1"),
        (s) => s?.spec.reason === "NonDeterminism",
      );
      expect(parked!.spec.image).toBe("img-2");
      expect(parked!.spec.message).toContain(
        'execution "drift-1" is not deterministic at step 0: the journal recorded store "a" but the code now calls ' +
          'store "b"',
      );
      expect((await waitPhase(cluster, "drift-1", "Suspended")).status?.state?.steps?.[0]).toMatchObject({
        name: "a",
        status: "completed",
      });
      await v2.stop(0);
      // The Function's image changes (a fix is deployed): the controller resumes it; the fixed code finishes it.
      await cluster.resources.functions.mergePatch(cluster.namespace, "drifting", { spec: { image: "img-3" } });
      await waitFor(
        "the execution to be resumed",
        () => cluster.resources.executions.get(cluster.namespace, "drift-1"),
        (e) => e?.status?.phase === "Pending",
      );
      workers.push(await startWorker(cluster, "drifting", original, { image: "img-3" }));
      const done = await waitFinished(cluster, "drift-1");
      expect(done.status?.phase).toBe("Completed");
      expect(done.status?.result).toBe("C");
    },
  );

  it("rescues a parked execution when a worker with different source starts", async () => {
    const original = defineFunction({ run: async (ctx) => ctx.store("one", () => 1) });
    const v1 = await startWorker(
      cluster,
      "rescued",
      defineFunction({
        run: async (ctx) => {
          await ctx.store("zero", () => 0);
          await ctx.sleep(2_500);
        },
      }),
      { image: "src-1", inProcessWaitMs: 1_000 },
    );
    await createExecution(cluster, "rescue-1", "rescued", null);
    await waitPhase(cluster, "rescue-1", "Suspended");
    await v1.stop(0);
    const v2 = await startWorker(cluster, "rescued", original, { image: "src-2" });
    await waitFor(
      "a NonDeterminism suspension",
      () => cluster.resources.suspensions.get(cluster.namespace, "rescue-1"),
      (s) => s?.spec.reason === "NonDeterminism",
    );
    await v2.stop(0);
    workers.push(
      await startWorker(
        cluster,
        "rescued",
        defineFunction({
          run: async (ctx) => {
            await ctx.store("zero", () => 0);
            return "fixed";
          },
        }),
        { image: "src-3" },
      ),
    );
    const done = await waitFinished(cluster, "rescue-1");
    expect(done.status?.result).toBe("fixed");
  });
});
