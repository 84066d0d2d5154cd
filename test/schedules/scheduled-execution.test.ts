// ScheduledExecutions on devcluster, with a controller driven by a ManualClock: every concurrency policy,
// suspend, history limits, a time zone, a controller restart across a due time, missed runs, bad input.
import { afterEach, expect, it } from "vitest";
import type { Execution } from "../../crds/index.ts";
import { waitFor } from "../runtime/runtime-harness.ts";
import { MINUTE, minuteOf, scheduleRig, type ScheduleRig } from "./schedule-rig.ts";

let rig: ScheduleRig | undefined;
afterEach(async () => {
  await rig?.stopController();
  rig = undefined;
});

const names = (runs: Execution[]) => runs.map((run) => run.metadata.name);
/** The first slot of a every-minute rule after the rig's start. */
const firstSlot = (r: ScheduleRig) => minuteOf(r.clock.now()) + MINUTE;
const quiet = () => new Promise((resolve) => setTimeout(resolve, 300));

it(
  "starts one execution per slot, named after it, labelled and owned; status says last, next and active " + "(Allow)",
  async () => {
    rig = await scheduleRig("sched-allow");
    const schedule = await rig.create("tick", { arguments: { report: "daily" } });
    const slot = firstSlot(rig);
    await quiet();
    expect(await rig.runs("tick"), "nothing before the first slot").toEqual([]);
    expect(
      (await waitFor(
        "status",
        () => rig!.get("tick"),
        (s) => s?.status?.nextScheduleTime !== undefined,
      ))!.status?.nextScheduleTime,
    ).toBe(new Date(slot).toISOString());

    await rig.advanceTo(slot + 100);
    const [first] = await rig.waitRuns("tick", 1);
    expect(first!.metadata.name).toBe(`tick-${slot / MINUTE}`);
    expect(first!.metadata.labels).toMatchObject({
      "kontinue.cloud/function": "report",
      "kontinue.cloud/scheduled-execution": "tick",
    });
    expect(first!.metadata.ownerReferences).toMatchObject([
      { kind: "ScheduledExecution", name: "tick", uid: schedule.metadata.uid, controller: true },
    ]);
    expect(first!.spec).toEqual({ function: "report", arguments: { report: "daily" } });

    await rig.setPhase(first!, "Executing");
    await rig.advanceTo(slot + MINUTE + 100);
    const both = await rig.waitRuns("tick", 2);
    expect(names(both)).toEqual([`tick-${slot / MINUTE}`, `tick-${slot / MINUTE + 1}`]);
    const status = (await waitFor(
      "status",
      () => rig!.get("tick"),
      (s) => s?.status?.active?.length === 2,
    ))!.status!;
    expect(status).toMatchObject({
      lastScheduleTime: new Date(slot + MINUTE).toISOString(),
      nextScheduleTime: new Date(slot + 2 * MINUTE).toISOString(),
      active: names(both),
    });
    expect(status.conditions).toMatchObject([{ type: "Ready", status: "True", reason: "Scheduled" }]);
  },
);

it("Forbid skips a slot while a run is active, and starts it late once that run finishes", async () => {
  rig = await scheduleRig("sched-forbid");
  await rig.create("single", { concurrencyPolicy: "Forbid" });
  const slot = firstSlot(rig);
  await rig.advanceTo(slot + 100);
  const [first] = await rig.waitRuns("single", 1);
  await rig.setPhase(first!, "Executing");
  await rig.advanceTo(slot + MINUTE + 100);
  await quiet();
  expect(names(await rig.runs("single"))).toEqual([first!.metadata.name]);
  expect((await rig.events("single")).map((e) => e.reason)).toContain("AlreadyActive");

  await rig.setPhase(first!, "Completed");
  const runs = await rig.waitRuns("single", 2);
  expect(runs[1]!.metadata.name).toBe(`single-${slot / MINUTE + 1}`);
  expect(
    (await waitFor(
      "status",
      () => rig!.get("single"),
      (s) => s?.status?.lastSuccessfulTime !== undefined,
    ))!.status?.lastSuccessfulTime,
  ).toBeDefined();
});

it("Replace cancels the active run and starts the new one", async () => {
  rig = await scheduleRig("sched-replace");
  await rig.create("latest", { concurrencyPolicy: "Replace" });
  const slot = firstSlot(rig);
  await rig.advanceTo(slot + 100);
  const [first] = await rig.waitRuns("latest", 1);
  await rig.setPhase(first!, "Executing");
  await rig.advanceTo(slot + MINUTE + 100);
  const runs = await rig.waitRuns("latest", 2);
  expect(runs.find((run) => run.metadata.name === first!.metadata.name)?.spec.cancelRequested).toBe(true);
  expect(runs.find((run) => run.metadata.name !== first!.metadata.name)?.spec.cancelRequested).toBeUndefined();
});

it("starts nothing while suspended; resumed, it starts only the latest missed slot", async () => {
  rig = await scheduleRig("sched-suspend");
  await rig.create("paused", { suspend: true });
  const slot = firstSlot(rig);
  await rig.advanceTo(slot + 3 * MINUTE + 100);
  await quiet();
  expect(await rig.runs("paused")).toEqual([]);
  const suspended = (await waitFor(
    "status",
    () => rig!.get("paused"),
    (s) => s?.status?.conditions !== undefined,
  ))!;
  expect(suspended.status?.conditions).toMatchObject([{ type: "Ready", status: "True", reason: "Suspended" }]);
  expect(suspended.status?.nextScheduleTime).toBeUndefined();

  await rig.schedules.mergePatch(rig.cluster.namespace, "paused", { spec: { suspend: false } });
  expect(names(await rig.waitRuns("paused", 1))).toEqual([`paused-${slot / MINUTE + 3}`]);
  await quiet();
  expect(await rig.runs("paused")).toHaveLength(1);
});

it("keeps successfulHistoryLimit finished runs and failedHistoryLimit failed ones, deleting the oldest", async () => {
  rig = await scheduleRig("sched-history");
  await rig.create("kept", { successfulHistoryLimit: 1, failedHistoryLimit: 0 });
  const slot = firstSlot(rig);
  for (let i = 0; i < 3; i++) {
    await rig.advanceTo(slot + i * MINUTE + 100);
    const runs = await waitFor(
      `run ${i}`,
      () => rig!.runs("kept"),
      (list) => list.some((run) => run.metadata.name === `kept-${slot / MINUTE + i}`),
    );
    await rig.setPhase(
      runs.find((run) => run.metadata.name === `kept-${slot / MINUTE + i}`)!,
      i === 1 ? "Failed" : "Completed",
    );
  }
  const left = await waitFor(
    "history to be pruned",
    () => rig!.runs("kept"),
    (list) => list.length === 1,
  );
  expect(names(left)).toEqual([`kept-${slot / MINUTE + 2}`]);
});

it("evaluates the rule in its time zone", async () => {
  rig = await scheduleRig("sched-zone");
  await rig.create("morning", { schedule: "30 9 * * *", timeZone: "Asia/Kolkata" });
  const next = (await waitFor(
    "status",
    () => rig!.get("morning"),
    (s) => s?.status?.nextScheduleTime !== undefined,
  ))!.status!.nextScheduleTime!;
  // 09:30 in Kolkata (UTC+05:30) is 04:00 UTC.
  expect(next).toMatch(/T04:00:00\.000Z$/);
  await rig.advanceTo(Date.parse(next) + 100);
  expect(names(await rig.waitRuns("morning", 1))).toEqual([`morning-${Date.parse(next) / MINUTE}`]);
});

it(
  "a controller restarted across due times starts the latest missed slot once, never one already " + "started",
  async () => {
    rig = await scheduleRig("sched-restart");
    await rig.create("steady", {});
    await rig.create("deadline", { startingDeadlineSeconds: 30 });
    const slot = firstSlot(rig);
    await rig.advanceTo(slot + 100);
    await rig.waitRuns("steady", 1);
    await rig.waitRuns("deadline", 1);

    await rig.stopController();
    await rig.startController();
    await quiet();
    expect(await rig.runs("steady"), "the same slot, after a restart: not started again").toHaveLength(1);

    await rig.stopController();
    await rig.advanceTo(slot + 3 * MINUTE + 40_000);
    await rig.startController();
    expect(names(await rig.waitRuns("steady", 2))).toEqual([`steady-${slot / MINUTE}`, `steady-${slot / MINUTE + 3}`]);
    // The latest slot is 40 s old, past the 30 s deadline: not started, and said so.
    const missed = await waitFor(
      "a MissedSchedule event",
      () => rig!.events("deadline"),
      (events) => events.some((e) => e.reason === "MissedSchedule"),
    );
    expect(missed.find((e) => e.reason === "MissedSchedule")?.message).toContain(
      "older than startingDeadlineSeconds (30s)",
    );
    expect(await rig.runs("deadline")).toHaveLength(1);
  },
);

it("after more than 100 missed slots, reports too many missed start times and starts only the latest", async () => {
  rig = await scheduleRig("sched-missed");
  await rig.create("backlog", {});
  const slot = firstSlot(rig);
  await rig.advanceTo(slot + 100);
  await rig.waitRuns("backlog", 1);
  await rig.stopController();
  await rig.advanceTo(slot + 150 * MINUTE + 100);
  await rig.startController();
  expect(names(await rig.waitRuns("backlog", 2))[1]).toBe(`backlog-${slot / MINUTE + 150}`);
  const events = await waitFor(
    "the event",
    () => rig!.events("backlog"),
    (list) => list.some((e) => e.reason === "TooManyMissedTimes"),
  );
  expect(events.find((e) => e.reason === "TooManyMissedTimes")).toMatchObject({
    type: "Warning",
    involvedObject: { kind: "ScheduledExecution", name: "backlog" },
  });
});

it("an invalid cron rule or time zone is a condition and an Event, not a crash loop; fixed, it schedules", async () => {
  rig = await scheduleRig("sched-invalid");
  await rig.create("broken", { schedule: "every minute" });
  await rig.create("nowhere", { timeZone: "Mars/Olympus" });
  const broken = (await waitFor(
    "a condition",
    () => rig!.get("broken"),
    (s) => s?.status?.conditions !== undefined,
  ))!;
  expect(broken.status?.conditions).toMatchObject([{ type: "Ready", status: "False", reason: "InvalidSchedule" }]);
  expect(broken.status?.conditions?.[0]?.message).toContain('schedule "every minute" is invalid: it has 2 field(s)');
  const nowhere = (await waitFor(
    "a condition",
    () => rig!.get("nowhere"),
    (s) => s?.status?.conditions !== undefined,
  ))!;
  expect(nowhere.status?.conditions?.[0]?.message).toContain(
    'in time zone "Mars/Olympus" is invalid: unknown time zone',
  );
  expect((await rig.events("broken")).filter((e) => e.reason === "InvalidSchedule")).toHaveLength(1);
  const before = (await rig.get("broken"))!.metadata.resourceVersion;
  await quiet();
  expect((await rig.get("broken"))!.metadata.resourceVersion, "no rewrite loop").toBe(before);

  await rig.schedules.mergePatch(rig.cluster.namespace, "broken", { spec: { schedule: "*/2 * * * *" } });
  const fixed = await waitFor(
    "Ready",
    () => rig!.get("broken"),
    (s) => s?.status?.conditions?.[0]?.status === "True",
  );
  expect(fixed!.status?.nextScheduleTime).toBeDefined();
});

it("a name too long for the label its executions carry is a condition, not a failing create", async () => {
  rig = await scheduleRig("sched-name");
  const name = `a${"b".repeat(63)}`;
  await rig.create(name, {});
  const invalid = (await waitFor(
    "a condition",
    () => rig!.get(name),
    (s) => s?.status?.conditions !== undefined,
  ))!;
  expect(invalid.status?.conditions).toMatchObject([{ type: "Ready", status: "False", reason: "InvalidName" }]);
  await rig.advanceTo(firstSlot(rig) + 100);
  await quiet();
  expect((await rig.cluster.resources.executions.list(rig.cluster.namespace)).items).toEqual([]);
});

it("deleting a schedule deletes the executions it started (ownerReferences)", async () => {
  rig = await scheduleRig("sched-delete");
  await rig.create("gone", {});
  await rig.advanceTo(firstSlot(rig) + 100);
  await rig.waitRuns("gone", 1);
  await rig.schedules.delete(rig.cluster.namespace, "gone");
  await waitFor(
    "its runs to be collected",
    () => rig!.runs("gone"),
    (runs) => runs.length === 0,
    10_000,
  );
});
