// A namespace, a ManualClock and a controller driven by it, for ScheduledExecution scenarios: time moves
// only when a test advances it, so every slot, deadline and restart is exact.
import { CoreV1Api, type CoreV1Event } from "@kubernetes/client-node";
import { startController, type RunningController } from "../../controller/index.ts";
import { API_VERSION, PLURALS, type Execution, type ScheduledExecution } from "../../crds/index.ts";
import { ManualClock, ResourceClient, createKubeHttp } from "../../runtime/index.ts";
import { testCluster, waitFor, type TestCluster } from "../runtime/runtime-harness.ts";

export interface ScheduleRig {
  cluster: TestCluster;
  clock: ManualClock;
  schedules: ResourceClient<ScheduledExecution>;
  /** Starts a controller on the rig's clock (a second one after `stopController` is a restart). */
  startController(): Promise<void>;
  stopController(): Promise<void>;
  create(name: string, spec: Partial<ScheduledExecution["spec"]>): Promise<ScheduledExecution>;
  get(name: string): Promise<ScheduledExecution | undefined>;
  /** The executions a schedule started, by name. */
  runs(schedule: string): Promise<Execution[]>;
  waitRuns(schedule: string, count: number): Promise<Execution[]>;
  /** Moves the clock to `at` (ms), in steps no longer than a minute so every wake fires in order. */
  advanceTo(at: number): Promise<void>;
  setPhase(execution: Execution, phase: "Executing" | "Completed" | "Failed"): Promise<void>;
  events(object: string): Promise<CoreV1Event[]>;
}

/** The rig's clock starts 5 s ahead of real time, so a schedule created next is older than the clock's now. */
export async function scheduleRig(prefix: string): Promise<ScheduleRig> {
  const cluster = await testCluster(prefix);
  const clock = new ManualClock(Date.now() + 5_000);
  const schedules = new ResourceClient<ScheduledExecution>(createKubeHttp(cluster.kubeConfig), PLURALS.scheduledExecutions);
  const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
  let controller: RunningController | undefined;
  const rig: ScheduleRig = {
    cluster,
    clock,
    schedules,
    async startController() {
      controller = await startController({ kubeConfig: cluster.kubeConfig, namespace: cluster.namespace, clock, log: () => {} });
    },
    async stopController() {
      await controller?.stop();
      controller = undefined;
    },
    create: (name, spec) =>
      schedules.create(cluster.namespace, {
        apiVersion: API_VERSION,
        kind: "ScheduledExecution",
        metadata: { name, namespace: cluster.namespace },
        spec: { schedule: "* * * * *", function: "report", ...spec },
      }),
    get: (name) => schedules.get(cluster.namespace, name),
    async runs(schedule) {
      const list = await cluster.resources.executions.list(cluster.namespace, `kontinue.cloud/scheduled-execution=${schedule}`);
      return list.items.sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!));
    },
    waitRuns: (schedule, count) => waitFor(`${count} execution(s) of "${schedule}"`, () => rig.runs(schedule), (runs) => runs.length === count, 10_000),
    async advanceTo(at) {
      while (clock.now() < at) await clock.advance(Math.min(60_000, at - clock.now()));
      // Lets the woken reconciles reach the API before the test looks.
      await new Promise((resolve) => setTimeout(resolve, 50));
    },
    async setPhase(execution, phase) {
      const current = (await cluster.resources.executions.get(cluster.namespace, execution.metadata.name!))!;
      const finished = phase === "Executing" ? {} : { completedAt: new Date(clock.now()).toISOString() };
      // A lease far in the future and no Pod: the reaper leaves it alone.
      const lease = phase === "Executing" ? { lease: { holder: "test", expiresAt: "2100-01-01T00:00:00Z" } } : {};
      await cluster.resources.executions.replaceStatus({ ...current, status: { ...current.status, phase, ...lease, ...finished } });
    },
    async events(object) {
      const list = await core.listNamespacedEvent({ namespace: cluster.namespace });
      return list.items.filter((event) => event.involvedObject.name === object);
    },
  };
  await rig.startController();
  return rig;
}

export const MINUTE = 60_000;

/** The whole minute at or before `ms`. */
export function minuteOf(ms: number): number {
  return Math.floor(ms / MINUTE) * MINUTE;
}
