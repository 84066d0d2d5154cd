import { describe, expect, it } from "vitest";
import type { Execution, JournalEntry } from "../crds/index.ts";
import { ManualClock, ResourceClient, type KubeRequest } from "../runtime/index.ts";
import { LeaseObserver } from "./lease-observer.ts";
import {
  leaseReconciler,
  lossBackoffMs,
  reapedStatus,
  workerDeath,
  workerPodState,
  type WorkerPodState,
} from "./lease-reconciler.ts";

const step = (seq: number, status: JournalEntry["status"]): JournalEntry => ({
  seq,
  kind: "store",
  name: `s${seq}`,
  status,
  startedAt: "2026-01-01T00:00:00Z",
  attempts: 1,
});
const execution = (status: Record<string, unknown> = {}): Execution => ({
  apiVersion: "kontinue.cloud/v1alpha1",
  kind: "Execution",
  metadata: { name: "order-1", namespace: "ns", resourceVersion: "1" },
  spec: { function: "processOrder" },
  status: {
    phase: "Executing",
    attempt: 2,
    lostAttempts: 1,
    lease: { holder: "worker-7", expiresAt: "2026-01-01T00:00:00.000Z" },
    state: { steps: [] },
    ...status,
  },
});
const now = Date.UTC(2026, 0, 1);

describe("reapedStatus", () => {
  it("hands the execution back to Pending, counting the lost attempt, backing off and dropping the lease", () => {
    const status = reapedStatus(execution(), undefined, now, "lease expired");
    expect(status).toEqual({
      phase: "Pending",
      attempt: 2,
      lostAttempts: 2,
      state: { steps: [] },
      stepsAtLastLoss: 0,
      retryAfter: "2026-01-01T00:00:02.000Z",
    });
  });

  it("does not count a lost attempt that made progress (a step finished since the last loss)", () => {
    const progressed = execution({
      stepsAtLastLoss: 1,
      state: { steps: [step(0, "completed"), step(1, "completed"), step(2, "running")] },
    });
    const status = reapedStatus(progressed, { maxAttempts: 2 }, now, "lease expired") as Record<string, unknown>;
    expect(status).toMatchObject({ phase: "Pending", lostAttempts: 0, stepsAtLastLoss: 2 });
    expect(status.retryAfter).toBeUndefined();
    const firstAttempt = execution({ attempt: 1, lostAttempts: 0, state: { steps: [step(0, "failed")] } });
    expect(reapedStatus(firstAttempt, undefined, now, "x").lostAttempts).toBe(0);
    const stalled = execution({ stepsAtLastLoss: 2, state: { steps: [step(0, "completed"), step(1, "completed")] } });
    expect(reapedStatus(stalled, undefined, now, "x").lostAttempts).toBe(2);
  });

  it("fails it past retry.maxAttempts with an error that says what happened and what to do", () => {
    const status = reapedStatus(execution(), { maxAttempts: 2 }, now, "lease expired 2026-01-01T00:00:00.000Z");
    expect(status.phase).toBe("Failed");
    expect(status.error?.type).toBe("RUNTIME_ATTEMPTS_EXHAUSTED");
    expect(status.error?.message).toBe(
      'execution "order-1" lost its worker 2 times, the last one "worker-7" (lease expired ' +
        '2026-01-01T00:00:00.000Z), each time without finishing a step; function "processOrder" allows 2 attempts ' +
        "(retry.maxAttempts); see the worker logs for why it stopped, then start a new execution",
    );
  });

  it("backs off exponentially, capped, by the Function's retry policy", () => {
    expect([1, 2, 3, 8, 20].map((n) => lossBackoffMs(n, undefined))).toEqual([1000, 2000, 4000, 60_000, 60_000]);
    expect(
      [0, 1, 2, 3].map((n) =>
        lossBackoffMs(n, { initialIntervalSeconds: 0.5, backoffCoefficient: 3, maximumIntervalSeconds: 2 }),
      ),
    ).toEqual([0, 500, 1500, 2000]);
  });
});

describe("workerDeath", () => {
  const pod = (containerStatuses: object[], phase = "Running") =>
    ({ metadata: { name: "w" }, status: { phase, containerStatuses } }) as never;
  const seen = (restarts?: number) => ({ observedAt: 0, restarts });
  it("is known when the Pod is gone, its container terminated, or it restarted since the lease was seen", () => {
    expect(workerDeath("w", workerPodState(undefined), seen())).toBe('its Pod "w" is gone');
    const terminated = workerPodState(
      pod([{ name: "worker", restartCount: 0, state: { terminated: { exitCode: 137, reason: "Error" } } }]),
    );
    expect(workerDeath("w", terminated, seen(0))).toBe(
      'its Pod "w" stopped running it: container "worker" exited 137 (Error)',
    );
    const restarted: WorkerPodState = workerPodState(
      pod([{ name: "worker", restartCount: 2, state: { running: {} } }]),
    );
    expect(workerDeath("w", restarted, seen(1))).toContain(
      "restarted its container (restartCount 2, 1 when the lease was taken)",
    );
    expect(workerDeath("w", workerPodState(pod([], "Failed")), seen(0))).toContain("the Pod is Failed");
  });
  it("is not known for a running container that has not restarted since, or whose count was not seen", () => {
    const running = workerPodState(pod([{ name: "worker", restartCount: 3, state: { running: {} } }]));
    expect(workerDeath("w", running, seen(3))).toBeUndefined();
    expect(workerDeath("w", running, seen(undefined))).toBeUndefined();
  });
});

/** A reaper over one execution the test rewrites; `writes` collects what it wrote. */
function reaper(clock: ManualClock, podState?: () => WorkerPodState) {
  let current: Execution | undefined;
  const writes: Execution[] = [];
  const http = async (request: KubeRequest) => {
    writes.push(request.body as Execution);
    return request.body;
  };
  const reconcile = leaseReconciler({
    executions: { get: () => current, list: () => (current === undefined ? [] : [current]) },
    functions: { get: () => undefined, list: () => [] },
    client: new ResourceClient<Execution>(http, "executions"),
    clock,
    observer: new LeaseObserver(),
    ...(podState === undefined ? {} : { workerPod: async () => podState() }),
  });
  return { writes, set: (e: Execution) => (current = e), reconcile: () => reconcile("ns/order-1") };
}

describe("leaseReconciler and skewed clocks", () => {
  for (const skewMs of [-60_000, 60_000]) {
    const off = `${skewMs / 1000} s`;
    const title = `never reaps a renewed lease of a worker ${off} off, and reaps one duration after renewals stop`;
    it(title, async () => {
      const controllerClock = new ManualClock(now);
      const workerNow = () => controllerClock.now() + skewMs;
      const rig = reaper(controllerClock);
      const held = (renewal: number) =>
        execution({
          resourceVersion: String(renewal),
          lease: { holder: "worker-7", expiresAt: new Date(workerNow() + 30_000).toISOString(), durationSeconds: 30 },
        });
      for (let renewal = 0; renewal < 30; renewal++) {
        rig.set(held(renewal));
        const result = await rig.reconcile();
        expect(result.requeueAfter, `renewal ${renewal}`).toBe(30_000);
        await controllerClock.advance(10_000);
      }
      expect(rig.writes).toEqual([]);
      // The renewals stop: the last one was seen 10 s ago.
      expect((await rig.reconcile()).requeueAfter).toBe(20_000);
      await controllerClock.advance(19_999);
      await rig.reconcile();
      expect(rig.writes).toEqual([]);
      await controllerClock.advance(1);
      await rig.reconcile();
      expect(rig.writes.map((w) => w.status?.phase)).toEqual(["Pending"]);
    });
  }

  it("hands back at once when the worker's container restarted after the lease was seen", async () => {
    const clock = new ManualClock(now);
    let restarts = 4;
    const rig = reaper(clock, () => ({ gone: false, restarts, ended: undefined }));
    rig.set(
      execution({
        lease: { holder: "w", pod: "w", expiresAt: new Date(now + 30_000).toISOString(), durationSeconds: 30 },
      }),
    );
    expect((await rig.reconcile()).requeueAfter).toBe(30_000);
    restarts = 5;
    await rig.reconcile();
    expect(rig.writes).toHaveLength(1);
    expect(rig.writes[0]!.status).toMatchObject({ phase: "Pending", lostAttempts: 2 });
  });
});
