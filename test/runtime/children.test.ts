// Child executions: a fan-out of 50 with Promise.all; cancelling a parent cancels its running children;
// a child created before a crash (journal not yet written) is found again, not started twice.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { RunningController } from "../../controller/index.ts";
import { API_VERSION, FUNCTION_LABEL } from "../../crds/index.ts";
import { defineFunction, type Worker } from "../../runtime/index.ts";
import {
  createExecution,
  createFunction,
  startTestController,
  startWorker,
  testCluster,
  waitFinished,
  waitPhase,
  type TestCluster,
} from "./runtime-harness.ts";

let cluster: TestCluster;
let controller: RunningController;
const workers: Worker[] = [];

beforeAll(async () => {
  cluster = await testCluster("children");
  controller = await startTestController(cluster);
  await createFunction(cluster, "leaf");
  await createFunction(cluster, "stubborn");
  workers.push(
    await startWorker(
      cluster,
      "leaf",
      defineFunction({ run: async (ctx, n: number) => ctx.store("double", () => n * 2) }),
      { concurrency: 25 },
    ),
  );
});
afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop(0)));
  await controller?.stop();
});

it("fans out 50 children with Promise.all and collects their results in order", { timeout: 90_000 }, async () => {
  workers.push(
    await startWorker(
      cluster,
      "fanOut",
      defineFunction({
        run: async (ctx, count: number) => Promise.all(Array.from({ length: count }, (_, i) => ctx.execute("leaf", i))),
      }),
    ),
  );
  await createExecution(cluster, "fan-1", "fanOut", 50);
  const done = await waitFinished(cluster, "fan-1", 60_000);
  expect(done.status?.phase).toBe("Completed");
  expect(done.status?.result).toEqual(Array.from({ length: 50 }, (_, i) => i * 2));
  const children = (await cluster.resources.executions.list(cluster.namespace, `${FUNCTION_LABEL}=leaf`)).items.filter(
    (e) => e.spec.parent?.name === "fan-1",
  );
  expect(children).toHaveLength(50);
  expect(
    children.every(
      (child) => child.status?.phase === "Completed" && child.metadata.ownerReferences?.[0]?.name === "fan-1",
    ),
  ).toBe(true);
  expect(new Set(children.map((child) => child.spec.parent!.step)).size).toBe(50);
});

it("cancels a parent and its running children; their ctx.signal fires", { timeout: 60_000 }, async () => {
  const aborted: string[] = [];
  workers.push(
    await startWorker(
      cluster,
      "stubborn",
      defineFunction({
        run: async (ctx) =>
          ctx.store(
            "wait",
            (step) =>
              new Promise((resolve) => {
                const timer = setTimeout(resolve, 60_000);
                step.signal.addEventListener(
                  "abort",
                  () => (clearTimeout(timer), aborted.push(ctx.executionName), resolve("aborted")),
                );
              }),
          ),
      }),
    ),
  );
  workers.push(
    await startWorker(
      cluster,
      "parent",
      defineFunction({ run: async (ctx) => Promise.all([ctx.execute("stubborn", 1), ctx.execute("stubborn", 2)]) }),
    ),
  );
  await createExecution(cluster, "cancel-1", "parent", null);
  await waitPhase(cluster, "cancel-1", "Suspended");
  await waitPhase(cluster, "cancel-1-0", "Executing");
  await waitPhase(cluster, "cancel-1-1", "Executing");
  await cluster.resources.executions.mergePatch(cluster.namespace, "cancel-1", { spec: { cancelRequested: true } });
  expect((await waitFinished(cluster, "cancel-1")).status?.phase).toBe("Cancelled");
  for (const child of ["cancel-1-0", "cancel-1-1"]) {
    const done = await waitFinished(cluster, child);
    expect(done.status?.phase).toBe("Cancelled");
    expect(done.status?.error?.type).toBe("RUNTIME_CANCELLED");
  }
  expect(aborted.sort()).toEqual(["cancel-1-0", "cancel-1-1"]);
  expect(await cluster.resources.suspensions.get(cluster.namespace, "cancel-1")).toBeUndefined();
});

it("cancels an execution a worker is running", async () => {
  await createExecution(cluster, "cancel-2", "stubborn", 3);
  await waitPhase(cluster, "cancel-2", "Executing");
  await cluster.resources.executions.mergePatch(cluster.namespace, "cancel-2", { spec: { cancelRequested: true } });
  expect((await waitFinished(cluster, "cancel-2")).status?.phase).toBe("Cancelled");
});

it("finds a child created before a crash instead of starting a second one", async () => {
  // The state a crash between "child created" and "journal written" leaves: the child exists (here it
  // has even finished), the parent's journal has no entry for it.
  const parent = await createExecution(cluster, "orphaned-1", "adopter", null);
  const child = await cluster.resources.executions.create(cluster.namespace, {
    apiVersion: API_VERSION,
    kind: "Execution",
    metadata: {
      name: "orphaned-1-0",
      namespace: cluster.namespace,
      labels: { [FUNCTION_LABEL]: "leaf" },
      ownerReferences: [
        { apiVersion: API_VERSION, kind: "Execution", name: "orphaned-1", uid: parent.metadata.uid!, controller: true },
      ],
    },
    spec: { function: "leaf", arguments: 21, parent: { name: "orphaned-1", step: 0 } },
  });
  await waitFinished(cluster, "orphaned-1-0");
  workers.push(await startWorker(cluster, "adopter", defineFunction({ run: async (ctx) => ctx.execute("leaf", 5) })));
  const done = await waitFinished(cluster, "orphaned-1");
  expect(done.status?.result).toBe(42);
  const children = (await cluster.resources.executions.list(cluster.namespace)).items.filter(
    (e) => e.spec.parent?.name === "orphaned-1",
  );
  expect(children.map((e) => e.metadata.uid)).toEqual([child.metadata.uid]);
});
