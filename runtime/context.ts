// The durable API a function's `run` receives: store, sleep, sleepUntil, execute, poll.
// Each call takes the next sequence number, consults the journal, and either returns the
// recorded outcome or runs and records it. When every in-flight call waits, the execution parks.
import type { JournalEntry } from "../crds/index.ts";
import type { Clock } from "./clock.ts";
import type { FunctionDefinition } from "./define-function.ts";
import { parseDuration, type Duration } from "./duration.ts";
import type { Journal, NonDeterminismError, StepKind } from "./journal.ts";
import { KontinueError, isKontinueError } from "./kontinue-error.ts";
import { toJson } from "./json-value.ts";
import { stepError, toErrorInfo } from "./step-failed-error.ts";
import { resolveStepRetry, type StepRetry } from "./step-retry.ts";

export type LogLevel = "info" | "warn" | "error";

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** What the body of a `ctx.store` step receives. */
export interface StepContext {
  readonly seq: number;
  /** 1 for the first try of this step, 2 for its first retry, … */
  readonly attempt: number;
  readonly signal: AbortSignal;
  readonly log: Logger;
}

export interface StoreOptions {
  retry?: StepRetry;
}

export interface ExecuteOptions {
  /** The step's name in the journal (default: the function name). */
  name?: string;
}

export interface PollOptions {
  /** Time between checks. */
  every: Duration;
  /** Give up after this long (from the first check); the poll then throws. */
  timeout: Duration;
  /** The step's name in the journal (default: the condition's function name, else "poll"). */
  name?: string;
}

type ArgsOf<F> = F extends FunctionDefinition<infer A, any> ? A : unknown;
type ResultOf<F> = F extends FunctionDefinition<any, infer R> ? Awaited<R> : unknown;

export interface Context {
  readonly executionName: string;
  readonly namespace: string;
  /** 1 for the first claim of this execution, +1 for every later one (resumes included). */
  readonly attempt: number;
  /** Aborts when the execution is cancelled, times out or this worker loses it. */
  readonly signal: AbortSignal;
  /** Tags each line with the execution and step; silent while replaying. */
  readonly log: Logger;
  store<T>(name: string, fn: (step: StepContext) => T | Promise<T>, options?: StoreOptions): Promise<T>;
  store<T>(fn: (step: StepContext) => T | Promise<T>, options?: StoreOptions): Promise<T>;
  sleep(duration: Duration): Promise<void>;
  sleepUntil(time: Date | string | number): Promise<void>;
  /** Starts function `fn` as a child execution and waits for its result; type it with `execute<typeof otherFunction>(…)`. */
  execute<F = unknown>(fn: string, args: ArgsOf<F>, options?: ExecuteOptions): Promise<ResultOf<F>>;
  poll<T>(condition: () => T | Promise<T>, options: PollOptions): Promise<Exclude<T, undefined | false>>;
}

/** Why a call waits: a time that wakes it, or a child execution it needs. */
export interface Wait {
  seq: number;
  kind: StepKind;
  until?: number;
  child?: string;
}

export type ChildState =
  | { phase: "running" }
  | { phase: "missing" }
  | { phase: "completed"; result: unknown }
  | { phase: "failed"; message: string };

/** What a context needs from the worker that runs it. */
export interface ContextHost {
  readonly clock: Clock;
  /** Resolves once every entry recorded so far is written; never resolves if the attempt ends first. */
  checkpoint(entry?: JournalEntry): Promise<void>;
  /** Whether a function of that name can run (a Function resource exists, or it is this worker's own). */
  knowsFunction(name: string): Promise<boolean>;
  /** The child execution name for step `seq` (derived from the execution, so retries find it). */
  childName(seq: number): string;
  /** Creates the child execution; a child that already exists counts as created. */
  startChild(child: { seq: number; name: string; function: string; args: unknown }): Promise<void>;
  readChild(name: string): Promise<ChildState>;
  /** Every in-flight call waits: park the execution. */
  park(waits: Wait[]): void;
  /** The code made a different call than the journal recorded: park it until the code changes. */
  diverged(error: NonDeterminismError): void;
  /** Draining, and no step is running any more: the attempt can be handed back. */
  drained(): void;
  log(level: LogLevel, message: string, tags: Record<string, unknown>): void;
}

export interface ExecutionContextOptions {
  executionName: string;
  namespace: string;
  attempt: number;
  journal: Journal;
  host: ContextHost;
  signal: AbortSignal;
  /** Sleeps and poll intervals shorter than this are waited out in process (default 2000 ms). */
  inProcessWaitMs?: number;
}

const never = <T>(): Promise<T> => new Promise<T>(() => {});

export class ExecutionContext implements Context {
  readonly executionName: string;
  readonly namespace: string;
  readonly attempt: number;
  readonly signal: AbortSignal;
  readonly log: Logger;
  private readonly journal: Journal;
  private readonly host: ContextHost;
  private readonly inProcessWaitMs: number;
  private inflight = 0;
  private readonly waits = new Map<number, Wait>();
  private idleCheckScheduled = false;
  private ended = false;
  private draining = false;

  constructor(options: ExecutionContextOptions) {
    this.executionName = options.executionName;
    this.namespace = options.namespace;
    this.attempt = options.attempt;
    this.journal = options.journal;
    this.host = options.host;
    this.signal = options.signal;
    this.inProcessWaitMs = options.inProcessWaitMs ?? 2_000;
    this.log = this.logger(() => ({ execution: this.executionName }));
  }

  /** Ends this attempt: calls made from now on never settle. */
  end(): void {
    this.ended = true;
  }

  /** Lets running steps finish but starts no new call; tells the host once nothing runs. */
  drain(): void {
    this.draining = true;
    this.checkDrained();
  }

  private checkDrained(): void {
    if (this.draining && !this.ended && this.inflight === this.waits.size) this.host.drained();
  }

  store<T>(nameOrFn: string | ((step: StepContext) => T | Promise<T>), fnOrOptions?: unknown, maybeOptions?: StoreOptions): Promise<T> {
    const named = typeof nameOrFn === "string";
    const fn = (named ? fnOrOptions : nameOrFn) as (step: StepContext) => T | Promise<T>;
    const options = (named ? maybeOptions : (fnOrOptions as StoreOptions | undefined)) ?? {};
    const name = named ? nameOrFn : fn.name || "store";
    return this.call("store", name, async (seq, entry) => {
      if (entry !== undefined) return this.replay<T>(entry);
      const retry = resolveStepRetry(options.retry);
      const startedAt = this.nowIso();
      for (let attempt = 1; ; attempt++) {
        let value: unknown;
        try {
          value = await fn({ seq, attempt, signal: this.signal, log: this.logger(() => ({ execution: this.executionName, step: seq })) });
          if (this.ended) return never<T>();
          value = toJson(value, `the value of step ${seq} (store "${name}")`);
        } catch (error) {
          if (this.ended) return never<T>();
          if (attempt < retry.maxAttempts && retry.retryable(error)) {
            await this.host.clock.sleep(retry.delayAfter(attempt), this.signal).catch(() => undefined);
            if (this.ended || this.signal.aborted) return never<T>();
            continue;
          }
          return this.fail<T>({ seq, kind: "store", name, status: "failed", error: toErrorInfo(error), startedAt, finishedAt: this.nowIso(), attempts: attempt }, error);
        }
        return this.complete({ seq, kind: "store", name, status: "completed", value, startedAt, finishedAt: this.nowIso(), attempts: attempt }) as Promise<T>;
      }
    });
  }

  sleep(duration: Duration): Promise<void> {
    const ms = parseDuration(duration);
    return this.call("sleep", "sleep", (seq, entry) => this.timer(seq, "sleep", entry, () => this.now() + ms));
  }

  sleepUntil(time: Date | string | number): Promise<void> {
    const until = new Date(time).getTime();
    if (Number.isNaN(until)) {
      return Promise.reject(new KontinueError("RUNTIME_INVALID_TIME", `cannot sleep until ${JSON.stringify(time)}: not a time; pass a Date, an ISO 8601 string or epoch milliseconds`, { terminal: true }));
    }
    return this.call("sleep", "sleepUntil", (seq, entry) => this.timer(seq, "sleepUntil", entry, () => until));
  }

  execute<F = unknown>(fn: string, args: ArgsOf<F>, options: ExecuteOptions = {}): Promise<ResultOf<F>> {
    const name = options.name ?? fn;
    return this.call("execute", name, async (seq, recorded) => {
      let entry = recorded;
      if (entry?.status === "completed" || entry?.status === "failed") return this.replay<ResultOf<F>>(entry);
      if (entry === undefined) {
        const startedAt = this.nowIso();
        const base = { seq, kind: "execute" as const, name, startedAt, attempts: 1 };
        let json: unknown;
        try {
          json = toJson(args, `the arguments of step ${seq} (execute "${fn}")`) ?? null;
        } catch (error) {
          return this.fail({ ...base, status: "failed", error: toErrorInfo(error), finishedAt: this.nowIso() }, error);
        }
        if (!(await this.host.knowsFunction(fn))) {
          const error = {
            type: "RUNTIME_UNKNOWN_FUNCTION",
            message: `function "${fn}" is unknown in namespace "${this.namespace}": no Function resource runs it; deploy it (kontinue deploy) or fix the name in ctx.execute`,
          };
          return this.fail({ ...base, status: "failed", error, finishedAt: this.nowIso() });
        }
        const child = this.host.childName(seq);
        await this.host.startChild({ seq, name: child, function: fn, args: json });
        if (this.ended) return never();
        entry = { ...base, status: "waiting", child };
        this.journal.record(entry);
        return this.wait(seq, { seq, kind: "execute", child });
      }
      const child = entry.child ?? this.host.childName(seq);
      const state = await this.host.readChild(child);
      if (this.ended) return never();
      switch (state.phase) {
        case "running":
          return this.wait(seq, { seq, kind: "execute", child });
        case "missing":
          await this.host.startChild({ seq, name: child, function: fn, args: toJson(args, `the arguments of step ${seq} (execute "${fn}")`) ?? null });
          return this.wait(seq, { seq, kind: "execute", child });
        case "completed":
          return this.complete({ ...entry, status: "completed", value: toJson(state.result, `the result of child "${child}"`), finishedAt: this.nowIso() }) as Promise<ResultOf<F>>;
        case "failed":
          return this.fail({ ...entry, status: "failed", error: { type: "RUNTIME_CHILD_FAILED", message: `child execution "${child}" (${fn}) ${state.message}` }, finishedAt: this.nowIso() });
        default:
          return assertNever(state);
      }
    });
  }

  poll<T>(condition: () => T | Promise<T>, options: PollOptions): Promise<Exclude<T, undefined | false>> {
    const name = options.name ?? (condition.name || "poll");
    const every = parseDuration(options.every);
    const timeout = parseDuration(options.timeout);
    type R = Exclude<T, undefined | false>;
    return this.call("poll", name, async (seq, entry) => {
      if (entry?.status === "completed" || entry?.status === "failed") return this.replay<R>(entry);
      const startedAt = entry?.startedAt ?? this.nowIso();
      const deadline = Date.parse(startedAt) + timeout;
      let attempts = entry?.attempts ?? 0;
      let until = entry?.until === undefined ? this.now() : Date.parse(entry.until);
      for (;;) {
        const remaining = until - this.now();
        if (remaining > 0) {
          if (remaining >= this.inProcessWaitMs) {
            this.journal.record({ seq, kind: "poll", name, status: "waiting", startedAt, attempts, until: new Date(until).toISOString() });
            return this.wait<R>(seq, { seq, kind: "poll", until });
          }
          await this.host.clock.sleep(remaining, this.signal).catch(() => undefined);
          if (this.ended || this.signal.aborted) return never<R>();
        }
        const base = { seq, kind: "poll" as const, name, startedAt, attempts };
        if (this.now() >= deadline) {
          const error = { type: "RUNTIME_POLL_TIMEOUT", message: `poll "${name}" did not hold within ${options.timeout} (${attempts} checks)` };
          return this.fail<R>({ ...base, status: "failed", error, finishedAt: this.nowIso() });
        }
        attempts = base.attempts = attempts + 1;
        let value: unknown;
        try {
          value = await condition();
          if (this.ended) return never<R>();
          if (value !== undefined && value !== false) value = toJson(value, `the value of step ${seq} (poll "${name}")`);
        } catch (error) {
          if (this.ended) return never<R>();
          return this.fail<R>({ ...base, status: "failed", error: toErrorInfo(error), finishedAt: this.nowIso() }, error);
        }
        if (value !== undefined && value !== false) return this.complete({ ...base, status: "completed", value, finishedAt: this.nowIso() }) as Promise<R>;
        until = Math.min(this.now() + every, deadline);
      }
    });
  }

  private async timer(seq: number, name: string, entry: JournalEntry | undefined, untilOf: () => number): Promise<void> {
    if (entry?.status === "completed") return;
    const startedAt = entry?.startedAt ?? this.nowIso();
    const until = entry?.until === undefined ? untilOf() : Date.parse(entry.until);
    const base = { seq, kind: "sleep" as const, name, startedAt, attempts: 1, until: new Date(until).toISOString() };
    const remaining = until - this.now();
    if (remaining >= this.inProcessWaitMs) {
      this.journal.record({ ...base, status: "waiting" });
      return this.wait(seq, { seq, kind: "sleep", until });
    }
    if (remaining > 0) {
      await this.host.clock.sleep(remaining, this.signal).catch(() => undefined);
      if (this.ended || this.signal.aborted) return never();
    }
    await this.complete({ ...base, status: "completed", finishedAt: this.nowIso() });
  }

  /** Runs one durable call: sequence number, journal check, in-flight accounting. */
  private async call<T>(kind: StepKind, name: string, body: (seq: number, entry: JournalEntry | undefined) => Promise<T>): Promise<T> {
    if (this.ended) return never();
    if (this.draining) {
      this.checkDrained();
      return never();
    }
    let step;
    try {
      step = this.journal.next(kind, name);
    } catch (error) {
      if (isKontinueError(error, "RUNTIME_NON_DETERMINISM")) {
        this.host.diverged(error as NonDeterminismError);
        return never();
      }
      throw error;
    }
    this.inflight++;
    try {
      return await body(step.seq, step.entry);
    } finally {
      this.inflight--;
      this.waits.delete(step.seq);
      if (this.waits.size > 0) this.scheduleIdleCheck();
      this.checkDrained();
    }
  }

  private replay<T>(entry: JournalEntry): Promise<T> {
    if (entry.status === "completed") return Promise.resolve(entry.value as T);
    return Promise.reject(stepError(entry));
  }

  private async complete(entry: JournalEntry): Promise<unknown> {
    this.journal.record(entry);
    await this.host.checkpoint(entry);
    if (this.ended) return never();
    return entry.value;
  }

  private async fail<T>(entry: JournalEntry, cause?: unknown): Promise<T> {
    this.journal.record(entry);
    await this.host.checkpoint(entry);
    if (this.ended) return never();
    throw stepError(entry, cause);
  }

  /** Marks a call as waiting; when every in-flight call waits, the execution parks. */
  private wait<T>(seq: number, wait: Wait): Promise<T> {
    this.waits.set(seq, wait);
    this.scheduleIdleCheck();
    return never();
  }

  private scheduleIdleCheck(): void {
    if (!this.idleCheckScheduled) {
      this.idleCheckScheduled = true;
      // Let the code issue any calls it makes next (e.g. the rest of a Promise.all) before deciding.
      setImmediate(() => {
        this.idleCheckScheduled = false;
        if (!this.ended && this.inflight > 0 && this.waits.size === this.inflight) this.host.park([...this.waits.values()]);
      });
    }
  }

  private logger(tags: () => Record<string, unknown>): Logger {
    const line = (level: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
      if (this.journal.replaying || this.ended) return;
      this.host.log(level, message, { ...tags(), ...fields });
    };
    return { info: line("info"), warn: line("warn"), error: line("error") };
  }

  private now(): number {
    return this.host.clock.now();
  }

  private nowIso(): string {
    return new Date(this.now()).toISOString();
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected value ${JSON.stringify(value)}`);
}
