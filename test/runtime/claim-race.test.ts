// Claim race: 4 workers compete for 200 executions. From the lease records every worker keeps, no
// execution ever has two holders at once, and every execution's body ran exactly once.
import { afterAll, beforeAll, expect, it } from "vitest";
import { defineFunction, type LeaseRecord, type Worker } from "../../runtime/index.ts";
import { createExecution, startWorker, testCluster, waitFor, type TestCluster } from "./runtime-harness.ts";

let cluster: TestCluster;
const workers: Worker[] = [];

beforeAll(async () => {
  cluster = await testCluster("race");
});
afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop(0)));
});

it("never lets two workers hold one execution at once", { timeout: 120_000 }, async () => {
  const records: LeaseRecord[] = [];
  const bodies = new Map<string, number>();
  const racer = defineFunction({
    run: async (ctx) => {
      await ctx.store("work", async () => {
        bodies.set(ctx.executionName, (bodies.get(ctx.executionName) ?? 0) + 1);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10));
      });
      return ctx.store("again", () => 2);
    },
  });
  for (let i = 0; i < 4; i++)
    workers.push(await startWorker(cluster, "racer", racer, { records, concurrency: 20, holder: `racer-${i}` }));
  await Promise.all(Array.from({ length: 200 }, (_, i) => createExecution(cluster, `race-${i}`, "racer", null)));
  const all = await waitFor(
    "200 completed executions",
    async () => (await cluster.resources.executions.list(cluster.namespace)).items,
    (items) => items.length === 200 && items.every((e) => e.status?.phase === "Completed"),
    90_000,
    100,
  );
  expect(all.every((e) => e.status?.result === 2)).toBe(true);
  expect([...bodies.values()].every((n) => n === 1) && bodies.size === 200).toBe(true);

  const byExecution = new Map<string, LeaseRecord[]>();
  for (const record of records)
    byExecution.set(record.execution, [...(byExecution.get(record.execution) ?? []), record]);
  expect(byExecution.size).toBe(200);
  for (const [execution, held] of byExecution) {
    const sorted = held.sort((a, b) => a.from - b.from);
    for (let i = 1; i < sorted.length; i++) {
      expect(
        sorted[i]!.from,
        `${execution}: "${sorted[i]!.holder}" claimed before "${sorted[i - 1]!.holder}" let go`,
      ).toBeGreaterThanOrEqual(sorted[i - 1]!.to);
    }
    expect(sorted.at(-1)!.outcome).toBe("Completed");
  }
  const perWorker = new Map<string, number>();
  for (const record of records) perWorker.set(record.holder, (perWorker.get(record.holder) ?? 0) + 1);
  expect(perWorker.size, "every worker won some claims").toBe(4);
});
