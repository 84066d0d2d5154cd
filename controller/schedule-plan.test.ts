import { describe, expect, it } from "vitest";
import type { ScheduledExecution } from "../crds/index.ts";
import { parseCronSchedule } from "./schedule-cron.ts";
import { planSchedule, scheduledExecutionName, type ScheduledRun } from "./schedule-plan.ts";

const created = "2026-01-01T00:00:30Z";
const minute = 60_000;
const t0 = Date.parse("2026-01-01T00:00:00Z");
const schedule = (
  spec: Partial<ScheduledExecution["spec"]> = {},
  status: ScheduledExecution["status"] = {},
): ScheduledExecution => ({
  apiVersion: "kontinue.cloud/v1alpha1",
  kind: "ScheduledExecution",
  metadata: { name: "nightly", namespace: "ns", uid: "u1", creationTimestamp: created as unknown as Date },
  spec: { schedule: "* * * * *", function: "report", ...spec },
  status,
});
const cron = parseCronSchedule("* * * * *");
const run = (slot: number, phase: ScheduledRun["phase"], finishedAt?: number): ScheduledRun => ({
  name: scheduledExecutionName("nightly", t0 + slot * minute, "minutes"),
  phase,
  scheduledAt: t0 + slot * minute,
  ...(finishedAt === undefined ? {} : { finishedAt }),
  cancelRequested: false,
});
const plan = (se: ScheduledExecution, now: number, runs: ScheduledRun[] = []) =>
  planSchedule({ schedule: se, cron, now, runs });

describe("planSchedule", () => {
  it("starts nothing before the first slot after creation, and asks to look again at it", () => {
    const result = plan(schedule(), t0 + 50_000);
    expect(result.start).toBeUndefined();
    expect(result.requeueAfter).toBe(10_000);
    expect(result.status.nextScheduleTime).toBe("2026-01-01T00:01:00.000Z");
  });

  it("starts a due slot under a name made of the schedule and its unix minutes (seconds for a seconds rule)", () => {
    const result = plan(schedule(), t0 + minute + 200);
    expect(result.start).toEqual({ name: `nightly-${(t0 + minute) / minute}`, scheduledAt: t0 + minute });
    expect(result.status).toMatchObject({ lastScheduleTime: "2026-01-01T00:01:00.000Z", active: [result.start!.name] });
    expect(scheduledExecutionName("s", t0 + 5000, "seconds")).toBe(`s-${(t0 + 5000) / 1000}`);
  });

  it("does not start a slot twice: one already started only moves lastScheduleTime", () => {
    const result = plan(schedule(), t0 + minute + 200, [run(1, "Executing")]);
    expect(result.start).toBeUndefined();
    expect(result.status.lastScheduleTime).toBe("2026-01-01T00:01:00.000Z");
  });

  it("Allow overlaps; Forbid skips while a run is active (and starts late when it finishes); Replace cancels", () => {
    const last = { lastScheduleTime: "2026-01-01T00:01:00Z" };
    const active = [run(1, "Executing")];
    expect(plan(schedule({ concurrencyPolicy: "Allow" }, last), t0 + 2 * minute, active).start?.scheduledAt).toBe(
      t0 + 2 * minute,
    );
    const forbidden = plan(schedule({ concurrencyPolicy: "Forbid" }, last), t0 + 2 * minute, active);
    expect(forbidden.start).toBeUndefined();
    expect(forbidden.status.lastScheduleTime).toBe("2026-01-01T00:01:00Z");
    expect(forbidden.events.map((e) => e.reason)).toEqual(["AlreadyActive"]);
    const late = plan(schedule({ concurrencyPolicy: "Forbid" }, last), t0 + 2 * minute + 30_000, [
      run(1, "Completed", t0 + 2 * minute + 20_000),
    ]);
    expect(late.start?.scheduledAt).toBe(t0 + 2 * minute);
    const replaced = plan(schedule({ concurrencyPolicy: "Replace" }, last), t0 + 2 * minute, active);
    expect(replaced.cancel).toEqual([active[0]!.name]);
    expect(replaced.start?.scheduledAt).toBe(t0 + 2 * minute);
  });

  it("starts only the latest of several missed slots; startingDeadlineSeconds drops older ones with an Event", () => {
    const last = { lastScheduleTime: "2026-01-01T00:01:00Z" };
    expect(plan(schedule({}, last), t0 + 5 * minute + 10_000).start?.scheduledAt).toBe(t0 + 5 * minute);
    const tooLate = plan(schedule({ startingDeadlineSeconds: 5 }, last), t0 + 5 * minute + 10_000);
    expect(tooLate.start).toBeUndefined();
    expect(tooLate.events).toMatchObject([
      { type: "Warning", reason: "MissedSchedule", dedupe: `missed-${t0 + 5 * minute}` },
    ]);
    const inTime = plan(schedule({ startingDeadlineSeconds: 20 }, last), t0 + 5 * minute + 10_000);
    expect(inTime.start?.scheduledAt).toBe(t0 + 5 * minute);
    expect(inTime.events.map((e) => e.reason)).toEqual(["MissedSchedule"]);
  });

  it("reports too many missed start times (over 100) and starts the latest", () => {
    const result = plan(schedule({}, { lastScheduleTime: "2026-01-01T00:01:00Z" }), t0 + 500 * minute);
    expect(result.events.map((e) => e.reason)).toEqual(["TooManyMissedTimes"]);
    expect(result.start?.scheduledAt).toBe(t0 + 500 * minute);
    expect(plan(schedule({}, { lastScheduleTime: "2026-01-01T00:01:00Z" }), t0 + 101 * minute).events).toEqual([]);
  });

  it("starts nothing while suspended, and reports no next slot", () => {
    const result = plan(schedule({ suspend: true }), t0 + 3 * minute);
    expect(result.start).toBeUndefined();
    expect(result.requeueAfter).toBeUndefined();
    expect(result.status.nextScheduleTime).toBeUndefined();
  });

  it("prunes finished runs past the history limits, oldest first, and keeps lastSuccessfulTime", () => {
    const runs = [
      run(1, "Completed", t0 + 70_000),
      run(2, "Completed", t0 + 130_000),
      run(3, "Failed", t0 + 190_000),
      run(4, "Cancelled", t0 + 250_000),
      run(5, "Executing"),
    ];
    const result = plan(
      schedule({ successfulHistoryLimit: 1, failedHistoryLimit: 1 }, { lastScheduleTime: "2026-01-01T00:05:00Z" }),
      t0 + 5 * minute + 1,
      runs,
    );
    expect(result.prune).toEqual([runs[0]!.name, runs[2]!.name]);
    expect(result.status.lastSuccessfulTime).toBe(new Date(t0 + 130_000).toISOString());
    expect(result.status.active).toEqual([runs[4]!.name]);
  });
});
