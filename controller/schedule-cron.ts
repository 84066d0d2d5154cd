// A ScheduledExecution's cron rule, parsed once: five fields (minutes) or six (seconds first), or a macro
// such as @hourly, evaluated in an IANA time zone (default UTC) on cron-parser.
import { CronExpressionParser } from "cron-parser";
import { KontinueError } from "../runtime/index.ts";

export class InvalidScheduleError extends KontinueError {
  readonly schedule: string;
  readonly timeZone: string | undefined;
  constructor(schedule: string, timeZone: string | undefined, why: string, cause?: unknown) {
    const zone = timeZone === undefined ? "" : ` in time zone "${timeZone}"`;
    super("CONTROLLER_INVALID_SCHEDULE", `schedule "${schedule}"${zone} is invalid: ${why}`, { terminal: true, cause });
    this.name = "InvalidScheduleError";
    this.schedule = schedule;
    this.timeZone = timeZone;
  }
}

export interface CronSchedule {
  /** "seconds" when the rule has a seconds field: execution names then carry unix seconds, else unix minutes. */
  readonly resolution: "minutes" | "seconds";
  /** The first slot strictly after `after` (ms since the epoch). */
  next(after: number): number;
  /** The last slot at or before `at`, or undefined when there is none after `notBefore` (exclusive). */
  latest(at: number, notBefore: number): number | undefined;
  /** How many slots fall in (`after`, `until`], counting at most `limit`. */
  count(after: number, until: number, limit: number): number;
}

const macros = new Set(["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"]);

/** Parses `schedule` in `timeZone`; throws InvalidScheduleError naming what is wrong and what is accepted. */
export function parseCronSchedule(schedule: string, timeZone?: string): CronSchedule {
  const tz = timeZone ?? "UTC";
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
  } catch (error) {
    const why = 'unknown time zone; use an IANA name such as "Europe/Berlin" or "UTC"';
    throw new InvalidScheduleError(schedule, timeZone, why, error);
  }
  const trimmed = schedule.trim();
  const fields = trimmed.split(/\s+/).length;
  const macro = macros.has(trimmed.toLowerCase());
  if (!macro && fields !== 5 && fields !== 6) {
    const why =
      `it has ${fields} field(s); write 5 (minute hour day month weekday), 6 (seconds first) ` +
      "or a macro such as @hourly";
    throw new InvalidScheduleError(schedule, timeZone, why);
  }
  const parse = (currentDate: number) => CronExpressionParser.parse(trimmed, { currentDate, tz, strict: false });
  try {
    parse(Date.UTC(2026, 0, 1)).next();
  } catch (error) {
    throw new InvalidScheduleError(schedule, timeZone, (error as Error).message, error);
  }
  return {
    resolution: !macro && fields === 6 ? "seconds" : "minutes",
    next: (after) => parse(after).next().getTime(),
    latest(at, notBefore) {
      // cron-parser's prev() is strictly before its current date.
      const found = parse(at + 1)
        .prev()
        .getTime();
      return found > notBefore ? found : undefined;
    },
    count(after, until, limit) {
      const iterator = parse(after);
      let counted = 0;
      while (counted < limit && iterator.hasNext() && iterator.next().getTime() <= until) counted++;
      return counted;
    },
  };
}
