// Crash recovery: workers run as child processes and are SIGKILLed at random points while 50
// executions of 6 steps run. Every execution completes; a step whose checkpoint was written never
// runs again; a step in flight at a kill runs once more (per kill) at most.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { RunningController } from "../../controller/index.ts";
import {
  createExecution,
  createFunction,
  exited,
  spawnWorker,
  startTestController,
  testCluster,
  waitFor,
  type TestCluster,
} from "./runtime-harness.ts";

const executions = 50;
const steps = 6;
let cluster: TestCluster;
let controller: RunningController;
let folder: string;

beforeAll(async () => {
  cluster = await testCluster("crash");
  controller = await startTestController(cluster);
  folder = mkdtempSync(join(tmpdir(), "kontinue-crash-"));
});
afterAll(async () => {
  await controller?.stop();
  rmSync(folder, { recursive: true, force: true });
});

it("resumes every execution after SIGKILLed workers without re-running checkpointed steps", {
  timeout: 180_000,
}, async () => {
  const log = join(folder, "side-effects.log");
  await createFunction(cluster, "crashSteps", { retry: { maxAttempts: 100 } });
  const env = { CRASH_LOG: log, KONTINUE_LEASE_SECONDS: "2", KONTINUE_CONCURRENCY: "4" };
  const start = () => spawnWorker(cluster, "test/runtime/functions/crashSteps.ts", env);
  let workers = [start(), start()];
  const killed = new Set<number>();
  for (let i = 0; i < executions; i++) await createExecution(cluster, `crash-${i}`, "crashSteps", { steps });

  // Every 0.3–0.8 s, SIGKILL a random worker that holds executions right now, and start a replacement.
  const deadline = Date.now() + 150_000;
  while (killed.size < 12 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 300 + Math.random() * 500));
    const items = (await cluster.resources.executions.list(cluster.namespace)).items;
    if (items.every((e) => e.status?.phase === "Completed")) break;
    const holders = new Set(
      items.flatMap((e) =>
        e.status?.phase === "Executing" && e.status.lease ? [Number(e.status.lease.holder.split("-").at(-1))] : [],
      ),
    );
    const victims = workers.filter((w) => holders.has(w.pid!));
    if (victims.length === 0) continue;
    const victim = victims[Math.floor(Math.random() * victims.length)]!;
    victim.kill("SIGKILL");
    await exited(victim);
    killed.add(victim.pid!);
    workers = workers.filter((w) => w !== victim).concat(start());
  }
  const all = await waitFor(
    "every execution to complete",
    async () => (await cluster.resources.executions.list(cluster.namespace)).items,
    (items) => items.filter((e) => e.status?.phase === "Completed").length === executions,
    60_000,
    200,
  );
  // SIGTERM ends the remaining workers cleanly (once each has started).
  for (const w of workers)
    await waitFor(
      `worker ${w.pid} to start`,
      () => w.output(),
      (output) => output.includes(" info worker "),
      30_000,
      50,
    );
  const codes = await Promise.all(workers.map((w) => (w.kill("SIGTERM"), exited(w))));
  expect(codes).toEqual(workers.map(() => 0));
  expect(killed.size).toBeGreaterThanOrEqual(5);

  const runs = new Map<string, { pid: number; nonce: string }[]>();
  for (const line of readFileSync(log, "utf8").trim().split("\n")) {
    const [execution, seq, pid, nonce] = line.split(" ");
    const key = `${execution} ${seq}`;
    runs.set(key, [...(runs.get(key) ?? []), { pid: Number(pid), nonce: nonce! }]);
  }
  let reruns = 0;
  for (const execution of all) {
    const journal = execution.status!.state!.steps!;
    expect(execution.status!.result).toBe(steps);
    expect(journal).toHaveLength(steps);
    for (const entry of journal) {
      const value = entry.value as { pid: number; nonce: string };
      const history = runs.get(`${execution.metadata.name} ${entry.seq}`)!;
      // The checkpointed run is the last run of the step: nothing ran it after its checkpoint was written.
      expect(history.at(-1)!.nonce, `${execution.metadata.name} step ${entry.seq}`).toBe(value.nonce);
      // Every earlier run was in flight in a worker that was killed, at most one per kill.
      const earlier = history.slice(0, -1);
      for (const run of earlier)
        expect(killed.has(run.pid), `${execution.metadata.name} step ${entry.seq} re-ran after pid ${run.pid}`).toBe(
          true,
        );
      expect(new Set(earlier.map((run) => run.pid)).size).toBe(earlier.length);
      reruns += earlier.length;
    }
  }
  expect(reruns).toBeLessThanOrEqual(killed.size * 4);
  console.log(
    `crash recovery: ${killed.size} workers killed, ${reruns} in-flight steps ` +
      `re-ran, ${all.reduce((n, e) => n + (e.status!.attempt ?? 0), 0)} attempts for ${executions} executions`,
  );
});
