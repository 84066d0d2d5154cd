// ScheduledExecution scenarios on a controller driven by a ManualClock: create schedules, read their runs
// and Events, move runs through their phases by hand (no workers).
import { CoreV1Api, type CoreV1Event } from "@kubernetes/client-node";
import { API_VERSION, PLURALS, type Execution, type ScheduledExecution } from "../../crds/index.ts";
import { ResourceClient, createKubeHttp } from "../../runtime/index.ts";
import { clockedController, type ClockedController } from "../controller-durability/clocked-controller.ts";
import { waitFor } from "../runtime/runtime-harness.ts";

export interface ScheduleRig extends ClockedController {
  schedules: ResourceClient<ScheduledExecution>;
  create(name: string, spec: Partial<ScheduledExecution["spec"]>): Promise<ScheduledExecution>;
  get(name: string): Promise<ScheduledExecution | undefined>;
  /** The executions a schedule started, by name. */
  runs(schedule: string): Promise<Execution[]>;
  waitRuns(schedule: string, count: number): Promise<Execution[]>;
  setPhase(execution: Execution, phase: "Executing" | "Completed" | "Failed"): Promise<void>;
  events(object: string): Promise<CoreV1Event[]>;
}

export async function scheduleRig(prefix: string): Promise<ScheduleRig> {
  const base = await clockedController(prefix);
  const { cluster, clock } = base;
  const http = createKubeHttp(cluster.kubeConfig);
  const schedules = new ResourceClient<ScheduledExecution>(http, PLURALS.scheduledExecutions);
  const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
  const rig: ScheduleRig = {
    ...base,
    schedules,
    create: (name, spec) =>
      schedules.create(cluster.namespace, {
        apiVersion: API_VERSION,
        kind: "ScheduledExecution",
        metadata: { name, namespace: cluster.namespace },
        spec: { schedule: "* * * * *", function: "report", ...spec },
      }),
    get: (name) => schedules.get(cluster.namespace, name),
    async runs(schedule) {
      const selector = `kontinue.cloud/scheduled-execution=${schedule}`;
      const list = await cluster.resources.executions.list(cluster.namespace, selector);
      return list.items.sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!));
    },
    waitRuns: (schedule, count) => {
      const what = `${count} execution(s) of "${schedule}"`;
      return waitFor(
        what,
        () => rig.runs(schedule),
        (runs) => runs.length === count,
        10_000,
      );
    },
    async setPhase(execution, phase) {
      const current = (await cluster.resources.executions.get(cluster.namespace, execution.metadata.name!))!;
      const finished = phase === "Executing" ? {} : { completedAt: new Date(clock.now()).toISOString() };
      // A lease far in the future and no Pod: the reaper leaves it alone.
      const lease = phase === "Executing" ? { lease: { holder: "test", expiresAt: "2100-01-01T00:00:00Z" } } : {};
      const status = { ...current.status, phase, ...lease, ...finished };
      await cluster.resources.executions.replaceStatus({ ...current, status });
    },
    async events(object) {
      const list = await core.listNamespacedEvent({ namespace: cluster.namespace });
      return list.items.filter((event) => event.involvedObject.name === object);
    },
  };
  return rig;
}

export const MINUTE = 60_000;

/** The whole minute at or before `ms`. */
export function minuteOf(ms: number): number {
  return Math.floor(ms / MINUTE) * MINUTE;
}
