// Sleep, poll and child executions survive a controller restart and a devcluster restart in the
// middle. This file runs its own devcluster (restarted on the same data directory and port).
import { rmSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { RunningController } from "../../controller/index.ts";
import { defineFunction, type Worker } from "../../runtime/index.ts";
import { applyCrds, serveDevCluster, temporaryDataDir, type ServedDevCluster } from "../fixtures/devcluster-fixture.ts";
import {
  createExecution,
  createFunction,
  startTestController,
  startWorker,
  testCluster,
  waitFinished,
  waitFor,
  type TestCluster,
} from "./runtime-harness.ts";

let server: ServedDevCluster;
let cluster: TestCluster;
const dataDir = temporaryDataDir();
const workers: Worker[] = [];
let controller: RunningController | undefined;

beforeAll(async () => {
  server = await serveDevCluster({ dataDir });
  await applyCrds(server.kubeconfigPath);
  cluster = await testCluster("restarts", server.kubeconfigPath);
});
afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop(0)));
  await controller?.stop();
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

it("finishes sleeps, polls and children across a controller restart and a devcluster restart", {
  timeout: 120_000,
}, async () => {
  const runs = { before: 0, check: 0, child: 0, after: 0 };
  let ready = false;
  await createFunction(cluster, "survivorChild");
  workers.push(
    await startWorker(
      cluster,
      "survivorChild",
      defineFunction({
        run: async (ctx, n: number) => {
          await ctx.sleep(3_000);
          return ctx.store("double", () => (runs.child++, n * 2));
        },
      }),
      { leaseSeconds: 6 },
    ),
  );
  workers.push(
    await startWorker(
      cluster,
      "survivor",
      defineFunction({
        run: async (ctx) => {
          await ctx.store("before", () => runs.before++);
          await ctx.sleep(3_000);
          const polled = await ctx.poll(() => (runs.check++, ready && "ready"), { every: "2500ms", timeout: "2m" });
          const [a, b] = await Promise.all([ctx.execute("survivorChild", 1), ctx.execute("survivorChild", 2)]);
          await ctx.store("after", () => runs.after++);
          return { polled, a, b };
        },
      }),
      { leaseSeconds: 6 },
    ),
  );
  controller = await startTestController(cluster);
  await createExecution(cluster, "survivor-1", "survivor", null);
  await waitFor(
    "the sleep to park",
    () => cluster.resources.suspensions.get(cluster.namespace, "survivor-1"),
    (s) => s?.spec.reason === "Sleep",
  );

  // The controller goes away while the sleep falls due; the new one fires it when it starts.
  await controller.stop();
  controller = undefined;
  await new Promise((resolve) => setTimeout(resolve, 3_500));
  expect((await cluster.resources.executions.get(cluster.namespace, "survivor-1"))?.status?.phase).toBe("Suspended");
  controller = await startTestController(cluster);
  await waitFor(
    "the poll to park",
    () => cluster.resources.suspensions.get(cluster.namespace, "survivor-1"),
    (s) => s?.spec.reason === "Poll",
  );

  // devcluster restarts while the poll waits; workers and controller reconnect.
  await server.kill();
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  server = await serveDevCluster({ dataDir, port: server.port });
  ready = true;
  await waitFor(
    "the children to start",
    () => cluster.resources.executions.get(cluster.namespace, "survivor-1-3"),
    (e) => e !== undefined,
    30_000,
    100,
  );

  // And once more while the children sleep.
  await server.kill();
  server = await serveDevCluster({ dataDir, port: server.port });
  const done = await waitFinished(cluster, "survivor-1", 60_000);
  expect(done.status?.phase).toBe("Completed");
  expect(done.status?.result).toEqual({ polled: "ready", a: 2, b: 4 });
  expect(runs.before).toBe(1);
  expect(runs.after).toBe(1);
  expect(runs.child).toBe(2);
  expect(runs.check).toBeGreaterThanOrEqual(2);
});
