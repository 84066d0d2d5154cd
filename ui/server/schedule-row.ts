// What the schedules view shows of a ScheduledExecution: its rule, the next five times, what it ran last.
import { CronExpressionParser } from "cron-parser";
import type { ScheduledExecution } from "../../crds/index.ts";

export interface ScheduleRow {
  namespace: string;
  name: string;
  resourceVersion: string;
  schedule: string;
  timeZone: string;
  function: string;
  suspend: boolean;
  /** The next five times, ISO; empty while suspended or when the rule does not parse. */
  next: string[];
  /** Why `next` is empty although the schedule is not suspended. */
  invalid: string | undefined;
  lastScheduleTime: string | undefined;
  lastSuccessfulTime: string | undefined;
  active: string[];
}

export function scheduleRow(schedule: ScheduledExecution, now: number): ScheduleRow {
  const { metadata, spec, status } = schedule;
  const timeZone = spec.timeZone ?? "UTC";
  let next: string[] = [];
  let invalid: string | undefined;
  if (spec.suspend !== true) {
    try {
      const rule = CronExpressionParser.parse(spec.schedule, { currentDate: now, tz: timeZone, strict: false });
      next = rule.take(5).map((date) => date.toISOString() ?? "");
    } catch (error) {
      invalid = (error as Error).message;
    }
  }
  return {
    namespace: metadata.namespace ?? "default",
    name: metadata.name ?? "",
    resourceVersion: metadata.resourceVersion ?? "",
    schedule: spec.schedule,
    timeZone,
    function: spec.function,
    suspend: spec.suspend === true,
    next,
    invalid,
    lastScheduleTime: status?.lastScheduleTime,
    lastSuccessfulTime: status?.lastSuccessfulTime,
    active: status?.active ?? [],
  };
}
