// The windows the first protocol version left open, each injected over devcluster: a claim landing during
// stop(), children that are not this parent's, a cancel between creating a child and recording it, parents
// that end before their children, signals, a race over children, and a step a new version removed.
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningController } from "../../controller/index.ts";
import { API_VERSION, FUNCTION_LABEL, type Execution } from "../../crds/index.ts";
import { createKubeHttp, defineFunction, sendSignal, type KubeHttp, type Worker } from "../../runtime/index.ts";
import {
  createExecution,
  createFunction,
  executionBody,
  repository,
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
  cluster = await testCluster("races");
  controller = await startTestController(cluster);
  for (const fn of ["leaf", "slowLeaf"]) await createFunction(cluster, fn);
  workers.push(
    await startWorker(
      cluster,
      "leaf",
      defineFunction({ run: async (ctx, args: { n: number }) => ctx.store("double", () => args.n * 2) }),
    ),
  );
  workers.push(
    await startWorker(
      cluster,
      "slowLeaf",
      defineFunction({
        run: async (ctx, args: { ms: number }) => {
          await ctx.sleep(args.ms);
          return args.ms;
        },
      }),
      { inProcessWaitMs: 60_000 },
    ),
  );
});
afterAll(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.stop(0)));
  await controller?.stop();
});

/** A transport that runs `before` ahead of the requests it matches. */
function intercepting(match: (method: string, path: string) => boolean, before: () => Promise<void>): KubeHttp {
  const http = createKubeHttp(cluster.kubeConfig);
  return async (request) => {
    if (match(request.method, request.path)) await before();
    return http(request);
  };
}

describe("protocol races", () => {
  it("hands back an execution whose claim lands while the worker stops", async () => {
    let release!: () => void;
    const claimHeld = new Promise<void>((resolve) => (release = resolve));
    let claimStarted!: () => void;
    const claiming = new Promise<void>((resolve) => (claimStarted = resolve));
    const http = intercepting(
      (method, path) => method === "PUT" && path.endsWith("/stop-1/status"),
      async () => {
        claimStarted();
        await claimHeld;
      },
    );
    const worker = await startWorker(
      cluster,
      "stopper",
      defineFunction({ run: async (ctx) => ctx.store("s", () => 1) }),
      { http },
    );
    await createExecution(cluster, "stop-1", "stopper", null);
    await claiming;
    const stopped = worker.stop(0);
    release();
    await stopped;
    const after = await cluster.resources.executions.get(cluster.namespace, "stop-1");
    expect(after?.status?.phase).toBe("Pending");
    expect(after?.status?.lease).toBeUndefined();
  });

  it("does not adopt an unrelated Execution that has the child's name, and says which", async () => {
    workers.push(
      await startWorker(cluster, "adopter", defineFunction({ run: async (ctx) => ctx.execute("leaf", { n: 1 }) })),
    );
    await cluster.resources.executions.create(
      cluster.namespace,
      executionBody(cluster.namespace, "adopt-1-0", "leaf", { n: 100 }),
    );
    await createExecution(cluster, "adopt-1", "adopter", null);
    const done = await waitFinished(cluster, "adopt-1");
    expect(done.status?.phase).toBe("Failed");
    expect(done.status?.error?.message).toContain(
      'would start child "adopt-1-0", but an Execution of that name already exists with no parent',
    );
  });

  it("does not adopt the child of an earlier parent deleted and re-created under the same name", async () => {
    // The earlier parent's child names this parent and step but is owned by another uid. (Its owner is kept alive
    // here, so the garbage collector leaves the child in place, as it does until it gets to it after a delete.)
    const earlier = await cluster.resources.executions.create(
      cluster.namespace,
      executionBody(cluster.namespace, "reborn-earlier", "leaf", { n: 0 }),
    );
    const stale: Execution = executionBody(cluster.namespace, "reborn-1-0", "leaf", { n: 5 });
    stale.spec.parent = { name: "reborn-1", step: 0 };
    stale.metadata.ownerReferences = [
      { apiVersion: API_VERSION, kind: "Execution", name: "reborn-earlier", uid: earlier.metadata.uid! },
    ];
    await cluster.resources.executions.create(cluster.namespace, stale);
    workers.push(
      await startWorker(cluster, "reborn", defineFunction({ run: async (ctx) => ctx.execute("leaf", { n: 1 }) })),
    );
    await createExecution(cluster, "reborn-1", "reborn", null);
    const done = await waitFinished(cluster, "reborn-1");
    expect(
      done.status?.phase,
      JSON.stringify([
        done.status,
        (await cluster.resources.executions.get(cluster.namespace, "reborn-1-0"))?.metadata,
      ]),
    ).toBe("Failed");
    expect(done.status?.error?.message).toContain('parent "reborn-1" step 0 and is not owned by this execution');
  });

  it("cancels a child created just before a cancel arrived, though the journal never recorded it", async () => {
    const http = intercepting(
      (method, path) => method === "POST" && path.endsWith("/executions"),
      async () => {
        await cluster.resources.executions.mergePatch(cluster.namespace, "window-1", {
          spec: { cancelRequested: true },
        });
        await new Promise((resolve) => setTimeout(resolve, 200));
      },
    );
    workers.push(
      await startWorker(
        cluster,
        "windowed",
        defineFunction({ run: async (ctx) => ctx.execute("slowLeaf", { ms: 30_000 }) }),
        { http },
      ),
    );
    await createExecution(cluster, "window-1", "windowed", null);
    expect((await waitFinished(cluster, "window-1")).status?.phase).toBe("Cancelled");
    const child = await waitFor(
      "the child to be asked to cancel",
      () => cluster.resources.executions.get(cluster.namespace, "window-1-0"),
      (c) => c?.spec.cancelRequested === true,
    );
    expect(child?.spec.parent).toEqual({ name: "window-1", step: 0 });
  });

  it("cancels a failed parent's unfinished children but for those it abandons", async () => {
    workers.push(
      await startWorker(
        cluster,
        "quitter",
        defineFunction({
          run: async (ctx) => {
            void ctx.execute("slowLeaf", { ms: 30_000 }, { name: "kept" });
            void ctx.execute("slowLeaf", { ms: 30_000 }, { name: "abandoned", parentClose: "abandon" });
            await ctx.store("give-up", () => Promise.reject(new Error("no")), { retry: { maxAttempts: 1 } });
          },
        }),
      ),
    );
    await createExecution(cluster, "quit-1", "quitter", null);
    expect((await waitFinished(cluster, "quit-1")).status?.phase).toBe("Failed");
    await waitFor(
      "the cancelled child",
      () => cluster.resources.executions.get(cluster.namespace, "quit-1-0"),
      (c) => c?.spec.cancelRequested === true,
    );
    const abandoned = await cluster.resources.executions.get(cluster.namespace, "quit-1-1");
    expect(abandoned?.spec.cancelRequested).toBeUndefined();
  });

  it("returns a race over children at the first child to finish", async () => {
    workers.push(
      await startWorker(
        cluster,
        "racer",
        defineFunction({
          run: async (ctx) => Promise.race([ctx.execute("leaf", { n: 21 }), ctx.execute("slowLeaf", { ms: 60_000 })]),
        }),
      ),
    );
    await createExecution(cluster, "race-1", "racer", null);
    const done = await waitFinished(cluster, "race-1", 20_000);
    expect(done.status?.result).toBe(42);
    // The loser is asked to cancel after the parent's result is written, so this waits for it.
    await waitFor(
      "the losing child to be asked to cancel",
      () => cluster.resources.executions.get(cluster.namespace, "race-1-1"),
      (c) => c?.spec.cancelRequested === true,
    );
  });

  it("delivers signals sent with `kontinue signal`, before and during the wait, once per id", {
    timeout: 180_000,
  }, async () => {
    workers.push(
      await startWorker(
        cluster,
        "approval",
        defineFunction({
          run: async (ctx) => [await ctx.waitForSignal("approve"), await ctx.waitForSignal("approve")],
        }),
      ),
    );
    const kontinue = (...args: string[]) =>
      spawnSync(
        process.execPath,
        ["bin/kontinue.js", "signal", ...args, "--kubeconfig", cluster.kubeconfigPath, "-n", cluster.namespace],
        { cwd: repository, encoding: "utf8" },
      );
    await cluster.resources.executions.create(
      cluster.namespace,
      executionBody(cluster.namespace, "approve-1", "approval", null),
    );
    expect(kontinue("approve-1", "approve", '{"by":"ann"}', "--id", "a1").stdout).toContain(
      'sent signal "approve" (id a1) to execution "approve-1"',
    );
    expect(kontinue("approve-1", "approve", '{"by":"ann"}', "--id", "a1").stdout).toContain(
      "was already sent; nothing changed",
    );
    await waitPhase(cluster, "approve-1", "Suspended");
    const parked = await cluster.resources.suspensions.get(cluster.namespace, "approve-1");
    expect(parked?.spec).toMatchObject({ reason: "Signal", signals: ["approve"], signalsSeen: 1 });
    await sendSignal({
      executions: cluster.resources.executions,
      namespace: cluster.namespace,
      execution: "approve-1",
      name: "approve",
      payload: { by: "bob" },
    });
    const done = await waitFinished(cluster, "approve-1");
    expect(done.status?.result).toEqual([{ by: "ann" }, { by: "bob" }]);
    const late = kontinue("approve-1", "approve", "{}");
    expect(late.status).toBe(1);
    expect(late.stderr).toContain('cannot signal execution "approve-1"');
    expect(late.stderr).toContain("it has finished (Completed)");
    const missing = sendSignal({
      executions: cluster.resources.executions,
      namespace: cluster.namespace,
      execution: "no-such-execution",
      name: "approve",
    });
    await expect(missing).rejects.toThrow('cannot signal execution "no-such-execution" in namespace');
    const notJson = sendSignal({
      executions: cluster.resources.executions,
      namespace: cluster.namespace,
      execution: "approve-1",
      name: "approve",
      payload: () => 1,
    });
    await expect(notJson).rejects.toThrow('the payload of signal "approve" is not JSON');
    expect((await cluster.resources.executions.get(cluster.namespace, "approve-1"))?.spec.signals).toHaveLength(2);
  });

  it("warns with an Event when a completed execution never reached steps its journal recorded", async () => {
    const old = executionBody(cluster.namespace, "shrunk-1", "shrunk", null);
    old.metadata.labels = { [FUNCTION_LABEL]: "shrunk" };
    await cluster.resources.executions.create(cluster.namespace, old);
    const current = (await cluster.resources.executions.get(cluster.namespace, "shrunk-1"))!;
    const at = new Date().toISOString();
    const step = (seq: number, name: string) => ({
      seq,
      kind: "store" as const,
      name,
      status: "completed" as const,
      value: seq,
      startedAt: at,
      finishedAt: at,
      attempts: 1,
      turn: seq,
    });
    await cluster.resources.executions.replaceStatus({
      ...current,
      status: { phase: "Pending", state: { version: 2, steps: [step(0, "kept"), step(1, "removed")] } },
    });
    workers.push(
      await startWorker(cluster, "shrunk", defineFunction({ run: async (ctx) => ctx.store("kept", () => -1) })),
    );
    expect((await waitFinished(cluster, "shrunk-1")).status?.result).toBe(0);
    const events = await waitFor(
      "a StepsNotReached event",
      async () =>
        (
          (await createKubeHttp(cluster.kubeConfig)({
            method: "GET",
            path: `/api/v1/namespaces/${cluster.namespace}/events`,
          })) as { items: { reason: string; message: string; involvedObject: { name: string } }[] }
        ).items,
      (items) => items.some((e) => e.reason === "StepsNotReached"),
    );
    const event = events.find((e) => e.reason === "StepsNotReached")!;
    expect(event.involvedObject.name).toBe("shrunk-1");
    expect(event.message).toContain('recorded step(s) 1 (store "removed")');
  });
});
