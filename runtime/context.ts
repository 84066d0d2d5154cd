// The durable API a function's `run` receives: store, sleep, sleepUntil, execute, poll, waitForSignal, now,
// random. Each call takes the next sequence number and consults the journal; its outcome (recorded or just
// learned) reaches the function through the settle order, turn by turn, so replay interleaves concurrent
// branches exactly as the first run did. When every call that has not settled waits, the execution parks.
import type { JournalEntry, Signal } from "../crds/index.ts";
import {
  durationArgument,
  functionArgument,
  optionsArgument,
  stringArgument,
  InvalidCallError,
} from "./call-arguments.ts";
import type { Clock } from "./clock.ts";
import type { FunctionDefinition } from "./define-function.ts";
import type { Duration } from "./duration.ts";
import type { CallIdentity, Journal, NextStep, NonDeterminismError, StepKind } from "./journal.ts";
import { toJson } from "./json-value.ts";
import { KontinueError, isKontinueError } from "./kontinue-error.ts";
import { SettleOrder, type Outcome } from "./settle-order.ts";
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
  /** Aborts when the execution is cancelled or lost, or when this try passes the step's `timeout`. */
  readonly signal: AbortSignal;
  readonly log: Logger;
}

export interface StoreOptions {
  retry?: StepRetry;
  /** Each try of the step gets this long; past it its signal aborts and the try fails with `StepTimeoutError`. */
  timeout?: Duration;
}

export type ParentClose = "cancel" | "abandon";

export interface ExecuteOptions {
  /** The step's name in the journal (default: the function name). */
  name?: string;
  /** When this execution ends first: cancel the child (default) or let it run on. */
  parentClose?: ParentClose;
  /** How long to wait for the function to be deployed before the step fails (default "10m"). */
  deployTimeout?: Duration;
}

export interface PollOptions {
  /** Time between checks. */
  every: Duration;
  /** Give up after this long (from the first check); the poll then throws. */
  timeout: Duration;
  /** The step's name in the journal (default: the condition's function name, else "poll"). */
  name?: string;
}

export interface SignalOptions {
  /** Give up after this long; the wait then throws (default: wait for ever). */
  timeout?: Duration;
}

// biome-ignore lint/suspicious/noExplicitAny: matches any definition whatever its result type (variance)
export type ArgsOf<F> = F extends FunctionDefinition<infer A, any> ? A : unknown;
// biome-ignore lint/suspicious/noExplicitAny: matches any definition whatever its argument type (variance)
export type ResultOf<F> = F extends FunctionDefinition<any, infer R> ? Awaited<R> : unknown;

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
  /**
   * Starts function `fn` as a child execution and waits for its result; type it with `execute<typeof
   * otherFunction>(…)`.
   */
  execute<F = unknown>(fn: string, args: ArgsOf<F>, options?: ExecuteOptions): Promise<ResultOf<F>>;
  poll<T>(condition: () => T | Promise<T>, options: PollOptions): Promise<Exclude<T, undefined | false>>;
  /** Waits for the next signal of that name sent to this execution (`kontinue signal`), and returns its payload. */
  waitForSignal<T = unknown>(name: string, options?: SignalOptions): Promise<T>;
  /** The time, recorded: replay sees the same value. */
  now(): Date;
  /** A random number in [0, 1), recorded: replay sees the same value. */
  random(): number;
}

/** Why a call waits: a time that wakes it, a child execution it needs, or a signal. */
export interface Wait {
  seq: number;
  kind: StepKind;
  until?: number;
  child?: string;
  signal?: string;
}

export type ChildState =
  | { phase: "running" }
  | { phase: "missing" }
  | { phase: "completed"; result: unknown }
  | { phase: "failed"; message: string }
  | { phase: "foreign"; message: string };

/** What a context needs from the worker that runs it. */
export interface ContextHost {
  readonly clock: Clock;
  /** Resolves once every entry recorded so far is written; never resolves if the attempt ends first. */
  checkpoint(entry?: JournalEntry): Promise<void>;
  /** Whether a function of that name can run (a Function resource exists, or it is this worker's own). */
  knowsFunction(name: string): Promise<boolean>;
  /** The child execution name for step `seq` (derived from the execution, so retries find it). */
  childName(seq: number): string;
  /** Creates the child execution; one that already exists counts as created if it is this step's (else it throws). */
  startChild(child: {
    seq: number;
    name: string;
    function: string;
    args: unknown;
    parentClose?: ParentClose;
  }): Promise<void>;
  readChild(name: string, seq: number): Promise<ChildState>;
  /** The signals sent to the execution so far, in arrival order. */
  signals(): readonly Signal[];
  /** Every call that has not settled waits: park the execution. */
  park(waits: Wait[], signalsSeen: number): void;
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
  /** Schedules the settle order's turns (default setImmediate). */
  schedule?: (fn: () => void) => void;
}

/** A step try that ran past its `timeout`: retried like any other failure. */
export class StepTimeoutError extends KontinueError {
  constructor(step: string, ms: number) {
    super(
      "RUNTIME_STEP_TIMEOUT",
      `${step} ran past its timeout of ${ms} ms; raise the step's timeout or make it faster`,
    );
    this.name = "StepTimeoutError";
  }
}

const never = <T>(): Promise<T> => new Promise<T>(() => {});
const defaultDeployTimeoutMs = 10 * 60_000;
const deployRecheckMs = 15_000;
const storeOptionKeys = ["retry", "timeout"] as const;
const executeOptionKeys = ["name", "parentClose", "deployTimeout"] as const;
const pollOptionKeys = ["every", "timeout", "name"] as const;

export class ExecutionContext implements Context {
  readonly executionName: string;
  readonly namespace: string;
  readonly attempt: number;
  readonly signal: AbortSignal;
  readonly log: Logger;
  private readonly journal: Journal;
  private readonly host: ContextHost;
  private readonly inProcessWaitMs: number;
  private readonly order: SettleOrder;
  /** Calls whose body is running (not waiting, not settled). */
  private readonly active = new Set<number>();
  private readonly waits = new Map<number, Wait>();
  /** Signal waits, woken when new signals arrive. */
  private readonly signalWakers = new Map<number, () => void>();
  private signalsSeen = 0;
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
    this.order = new SettleOrder({
      recordedTurns: this.journal.turns(),
      nextTurn: this.journal.nextTurn(),
      onQuiet: () => this.quiet(),
      ...(options.schedule === undefined ? {} : { schedule: options.schedule }),
    });
  }

  /** Ends this attempt: calls made from now on never settle. */
  end(): void {
    this.ended = true;
    this.order.stop();
  }

  /** Lets running steps finish but starts no new call; tells the host once nothing runs. */
  drain(): void {
    this.draining = true;
    this.checkDrained();
  }

  /** New signals may have arrived: wake the calls waiting for one. */
  signalsChanged(): void {
    for (const wake of [...this.signalWakers.values()]) wake();
  }

  store<T>(
    nameOrFn: string | ((step: StepContext) => T | Promise<T>),
    fnOrOptions?: unknown,
    maybeOptions?: StoreOptions,
  ): Promise<T> {
    const named = typeof nameOrFn === "string";
    let fn: (step: StepContext) => T | Promise<T>;
    let options: StoreOptions;
    try {
      fn = functionArgument(
        "ctx.store",
        named ? "the step function (second argument)" : "the step function",
        named ? fnOrOptions : nameOrFn,
      );
      options = optionsArgument<StoreOptions>("ctx.store", named ? maybeOptions : fnOrOptions, storeOptionKeys);
      if (named) stringArgument("ctx.store", "the step name", nameOrFn);
    } catch (error) {
      return Promise.reject(error);
    }
    const name = named ? nameOrFn : fn.name || "store";
    const call = `ctx.store("${name}")`;
    let timeoutMs: number | undefined;
    try {
      timeoutMs =
        options.timeout === undefined ? undefined : durationArgument(call, "options.timeout", options.timeout);
      resolveStepRetry(options.retry);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.call({ kind: "store", name }, async (seq) => {
      const retry = resolveStepRetry(options.retry);
      const startedAt = this.nowIso();
      for (let attempt = 1; ; attempt++) {
        let value: unknown;
        try {
          value = await this.runStep(fn, { seq, attempt, name, timeoutMs });
          if (this.ended) return never<T>();
          value = toJson(value, `the value of step ${seq} (store "${name}")`);
        } catch (error) {
          if (this.ended) return never<T>();
          if (attempt < retry.maxAttempts && retry.retryable(error)) {
            await this.host.clock.sleep(retry.delayAfter(attempt), this.signal).catch(() => undefined);
            if (this.ended || this.signal.aborted) return never<T>();
            continue;
          }
          const entry = {
            seq,
            kind: "store" as const,
            name,
            status: "failed" as const,
            error: toErrorInfo(error),
            startedAt,
            finishedAt: this.nowIso(),
            attempts: attempt,
          };
          return this.fail<T>(entry, error);
        }
        const entry = {
          seq,
          kind: "store" as const,
          name,
          status: "completed" as const,
          value,
          startedAt,
          finishedAt: this.nowIso(),
          attempts: attempt,
        };
        return this.complete(entry) as Promise<T>;
      }
    });
  }

  sleep(duration: Duration): Promise<void> {
    let ms: number;
    try {
      ms = durationArgument("ctx.sleep", "the duration", duration);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.call({ kind: "sleep", name: "sleep" }, (seq, entry) =>
      this.timer(seq, "sleep", entry, () => this.clockMs() + ms),
    );
  }

  sleepUntil(time: Date | string | number): Promise<void> {
    const until =
      time instanceof Date || typeof time === "string" || typeof time === "number"
        ? new Date(time).getTime()
        : Number.NaN;
    if (Number.isNaN(until)) {
      const why =
        `cannot sleep until ${JSON.stringify(time) ?? String(time)}: not a time; pass a Date, an ISO 8601 ` +
        `string or epoch milliseconds`;
      return Promise.reject(new KontinueError("RUNTIME_INVALID_TIME", why, { terminal: true }));
    }
    return this.call({ kind: "sleep", name: "sleepUntil" }, (seq, entry) =>
      this.timer(seq, "sleepUntil", entry, () => until),
    );
  }

  execute<F = unknown>(fn: string, args: ArgsOf<F>, options?: ExecuteOptions): Promise<ResultOf<F>> {
    let opts: ExecuteOptions;
    let deployTimeoutMs: number;
    try {
      stringArgument("ctx.execute", "the function name", fn);
      opts = optionsArgument<ExecuteOptions>(`ctx.execute("${fn}")`, options, executeOptionKeys);
      if (opts.name !== undefined) stringArgument(`ctx.execute("${fn}")`, "options.name", opts.name);
      if (opts.parentClose !== undefined && opts.parentClose !== "cancel" && opts.parentClose !== "abandon") {
        throw new InvalidCallError(
          `ctx.execute("${fn}")`,
          "options.parentClose",
          `must be "cancel" or "abandon", got ${JSON.stringify(opts.parentClose)}`,
        );
      }
      deployTimeoutMs =
        opts.deployTimeout === undefined
          ? defaultDeployTimeoutMs
          : durationArgument(`ctx.execute("${fn}")`, "options.deployTimeout", opts.deployTimeout);
    } catch (error) {
      return Promise.reject(error);
    }
    const name = opts.name ?? fn;
    type R = ResultOf<F>;
    return this.call({ kind: "execute", name, function: fn }, async (seq, recorded) => {
      const startedAt = recorded?.startedAt ?? this.nowIso();
      const base = {
        seq,
        kind: "execute" as const,
        name,
        function: fn,
        startedAt,
        attempts: 1,
        ...(opts.parentClose === "abandon" ? { parentClose: "abandon" as const } : {}),
      };
      const parentClose = opts.parentClose === undefined ? {} : { parentClose: opts.parentClose };
      const argsJson = (): unknown => toJson(args, `the arguments of step ${seq} (execute "${fn}")`) ?? null;
      let child = recorded?.child;
      if (child === undefined) {
        let json: unknown;
        try {
          json = argsJson();
        } catch (error) {
          return this.fail<R>(
            { ...base, status: "failed", error: toErrorInfo(error), finishedAt: this.nowIso() },
            error,
          );
        }
        if (!(await this.host.knowsFunction(fn))) {
          if (this.ended) return never<R>();
          const deadline = Date.parse(startedAt) + deployTimeoutMs;
          if (this.clockMs() < deadline) {
            // Deployed in the wrong order, or not yet: look again later rather than fail for good.
            const until = Math.min(deadline, this.clockMs() + deployRecheckMs);
            this.journal.record({ ...base, status: "waiting", until: new Date(until).toISOString() });
            return this.wait<R>(seq, { seq, kind: "execute", until });
          }
          const error = {
            type: "RUNTIME_UNKNOWN_FUNCTION",
            message:
              `function "${fn}" is unknown in namespace "${this.namespace}": no Function resource runs it ` +
              `(waited ${deployTimeoutMs / 1000}s); ` +
              "deploy it (kontinue deploy) or fix the name in ctx.execute",
          };
          return this.fail<R>({ ...base, status: "failed", error, finishedAt: this.nowIso() });
        }
        child = this.host.childName(seq);
        try {
          await this.host.startChild({ seq, name: child, function: fn, args: json, ...parentClose });
        } catch (error) {
          if (this.ended || !isKontinueError(error, "RUNTIME_CHILD_CONFLICT"))
            return this.ended ? never<R>() : Promise.reject(error);
          return this.fail<R>(
            { ...base, status: "failed", child, error: toErrorInfo(error), finishedAt: this.nowIso() },
            error,
          );
        }
        if (this.ended) return never<R>();
        this.journal.record({ ...base, status: "waiting", child });
        return this.wait<R>(seq, { seq, kind: "execute", child });
      }
      const state = await this.host.readChild(child, seq);
      if (this.ended) return never<R>();
      const withChild = { ...base, child };
      switch (state.phase) {
        case "running":
          return this.wait<R>(seq, { seq, kind: "execute", child });
        case "missing":
          await this.host.startChild({ seq, name: child, function: fn, args: argsJson(), ...parentClose });
          return this.wait<R>(seq, { seq, kind: "execute", child });
        case "completed":
          return this.complete({
            ...withChild,
            status: "completed",
            value: toJson(state.result, `the result of child "${child}"`),
            finishedAt: this.nowIso(),
          }) as Promise<R>;
        case "failed":
          return this.fail<R>({
            ...withChild,
            status: "failed",
            error: { type: "RUNTIME_CHILD_FAILED", message: `child execution "${child}" (${fn}) ${state.message}` },
            finishedAt: this.nowIso(),
          });
        case "foreign":
          return this.fail<R>({
            ...withChild,
            status: "failed",
            error: { type: "RUNTIME_CHILD_CONFLICT", message: state.message },
            finishedAt: this.nowIso(),
          });
        default:
          return assertNever(state);
      }
    });
  }

  poll<T>(condition: () => T | Promise<T>, options: PollOptions): Promise<Exclude<T, undefined | false>> {
    type R = Exclude<T, undefined | false>;
    let every: number;
    let timeout: number;
    let name: string;
    try {
      functionArgument("ctx.poll", "the condition", condition);
      const opts = optionsArgument<PollOptions>("ctx.poll", options, pollOptionKeys);
      if (options === undefined)
        throw new InvalidCallError(
          "ctx.poll",
          "options",
          'must say how often and how long: { every: "1m", timeout: "7d" }',
        );
      name = opts.name === undefined ? condition.name || "poll" : stringArgument("ctx.poll", "options.name", opts.name);
      every = durationArgument(`ctx.poll("${name}")`, "options.every", opts.every);
      timeout = durationArgument(`ctx.poll("${name}")`, "options.timeout", opts.timeout);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.call({ kind: "poll", name }, async (seq, entry) => {
      const startedAt = entry?.startedAt ?? this.nowIso();
      const deadline = Date.parse(startedAt) + timeout;
      let attempts = entry?.attempts ?? 0;
      let until = entry?.until === undefined ? this.clockMs() : Date.parse(entry.until);
      for (;;) {
        const remaining = until - this.clockMs();
        if (remaining > 0) {
          if (remaining >= this.inProcessWaitMs) {
            this.journal.record({
              seq,
              kind: "poll",
              name,
              status: "waiting",
              startedAt,
              attempts,
              until: new Date(until).toISOString(),
            });
            return this.wait<R>(seq, { seq, kind: "poll", until });
          }
          await this.host.clock.sleep(remaining, this.signal).catch(() => undefined);
          if (this.ended || this.signal.aborted) return never<R>();
        }
        const base = { seq, kind: "poll" as const, name, startedAt, attempts };
        if (this.clockMs() >= deadline) {
          const error = {
            type: "RUNTIME_POLL_TIMEOUT",
            message: `poll "${name}" did not hold within ${options.timeout} (${attempts} checks)`,
          };
          return this.fail<R>({ ...base, status: "failed", error, finishedAt: this.nowIso() });
        }
        attempts = base.attempts = attempts + 1;
        let value: unknown;
        try {
          value = await condition();
          if (this.ended) return never<R>();
          if (value !== undefined && value !== false)
            value = toJson(value, `the value of step ${seq} (poll "${name}")`);
        } catch (error) {
          if (this.ended) return never<R>();
          return this.fail<R>(
            { ...base, status: "failed", error: toErrorInfo(error), finishedAt: this.nowIso() },
            error,
          );
        }
        if (value !== undefined && value !== false)
          return this.complete({ ...base, status: "completed", value, finishedAt: this.nowIso() }) as Promise<R>;
        until = Math.min(this.clockMs() + every, deadline);
      }
    });
  }

  waitForSignal<T = unknown>(name: string, options?: SignalOptions): Promise<T> {
    let timeoutMs: number | undefined;
    try {
      stringArgument("ctx.waitForSignal", "the signal name", name);
      const opts = optionsArgument<SignalOptions>(`ctx.waitForSignal("${name}")`, options, ["timeout"]);
      timeoutMs =
        opts.timeout === undefined
          ? undefined
          : durationArgument(`ctx.waitForSignal("${name}")`, "options.timeout", opts.timeout);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.call({ kind: "signal", name }, async (seq, entry) => {
      const startedAt = entry?.startedAt ?? this.nowIso();
      const deadline = timeoutMs === undefined ? undefined : Date.parse(startedAt) + timeoutMs;
      const base = {
        seq,
        kind: "signal" as const,
        name,
        startedAt,
        attempts: 1,
        ...(deadline === undefined ? {} : { until: new Date(deadline).toISOString() }),
      };
      for (;;) {
        const signal = this.takeSignal(name);
        if (signal !== undefined) {
          return this.complete({
            ...base,
            status: "completed",
            value: signal.payload ?? null,
            signal: signal.id,
            finishedAt: this.nowIso(),
          }) as Promise<T>;
        }
        if (deadline !== undefined && this.clockMs() >= deadline) {
          const error = {
            type: "RUNTIME_SIGNAL_TIMEOUT",
            message: `no signal "${name}" arrived within ${options?.timeout} of waiting`,
          };
          return this.fail<T>({ ...base, status: "failed", error, finishedAt: this.nowIso() });
        }
        this.journal.record({ ...base, status: "waiting" });
        await this.signalOrDeadline(seq, name, deadline);
        if (this.ended) return never<T>();
      }
    });
  }

  now(): Date {
    return new Date(this.recorded("now", () => this.host.clock.now()));
  }

  random(): number {
    return this.recorded("random", () => Math.random());
  }

  /** A synchronous recorded value: the journal's on replay, else a new one, written with the next checkpoint. */
  private recorded(kind: "now" | "random", produce: () => number): number {
    if (this.ended) return produce();
    let step: NextStep;
    try {
      step = this.journal.next({ kind, name: kind });
    } catch (error) {
      if (!isKontinueError(error, "RUNTIME_NON_DETERMINISM")) throw error;
      this.host.diverged(error as NonDeterminismError);
      return produce();
    }
    if (step.entry?.status === "completed" && typeof step.entry.value === "number") return step.entry.value;
    const value = produce();
    const at = this.nowIso();
    this.journal.record({
      seq: step.seq,
      kind,
      name: kind,
      status: "completed",
      value,
      startedAt: at,
      finishedAt: at,
      attempts: 1,
    });
    return value;
  }

  /** Runs one try of a step body, with its own signal and, if set, its timeout. */
  private async runStep<T>(
    fn: (step: StepContext) => T | Promise<T>,
    step: { seq: number; attempt: number; name: string; timeoutMs: number | undefined },
  ): Promise<T> {
    const log = this.logger(() => ({ execution: this.executionName, step: step.seq }));
    if (step.timeoutMs === undefined) return fn({ seq: step.seq, attempt: step.attempt, signal: this.signal, log });
    const timedOut = new AbortController();
    const timer = new AbortController();
    const signal = AbortSignal.any([this.signal, timedOut.signal]);
    const error = new StepTimeoutError(`step ${step.seq} (store "${step.name}") try ${step.attempt}`, step.timeoutMs);
    const deadline = this.host.clock.sleep(step.timeoutMs, timer.signal).then(() => {
      timedOut.abort(error);
      throw error;
    });
    try {
      return await Promise.race([
        Promise.resolve().then(() => fn({ seq: step.seq, attempt: step.attempt, signal, log })),
        deadline,
      ]);
    } finally {
      timer.abort();
      deadline.catch(() => undefined);
    }
  }

  private async timer(
    seq: number,
    name: string,
    entry: JournalEntry | undefined,
    untilOf: () => number,
  ): Promise<void> {
    const startedAt = entry?.startedAt ?? this.nowIso();
    const until = entry?.until === undefined ? untilOf() : Date.parse(entry.until);
    const base = { seq, kind: "sleep" as const, name, startedAt, attempts: 1, until: new Date(until).toISOString() };
    const remaining = until - this.clockMs();
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

  /** Runs one durable call: sequence number, journal check, then its outcome through the settle order. */
  private call<T>(
    identity: CallIdentity,
    body: (seq: number, entry: JournalEntry | undefined) => Promise<T>,
  ): Promise<T> {
    if (this.ended) return never();
    if (this.draining) {
      this.checkDrained();
      return never();
    }
    let step: NextStep;
    try {
      step = this.journal.next(identity);
    } catch (error) {
      if (isKontinueError(error, "RUNTIME_NON_DETERMINISM")) {
        this.host.diverged(error as NonDeterminismError);
        return never();
      }
      return Promise.reject(error);
    }
    const { seq, entry } = step;
    return new Promise<T>((resolve, reject) => {
      this.order.register(seq, (outcome) => (outcome.ok ? resolve(outcome.value as T) : reject(outcome.error)));
      if (entry?.status === "completed") return this.order.ready(seq, { ok: true, value: entry.value });
      if (entry?.status === "failed") return this.order.ready(seq, { ok: false, error: stepError(entry) });
      this.active.add(seq);
      body(seq, entry).then(
        (value) => this.bodyEnded(seq, { ok: true, value }),
        (error: unknown) => this.bodyEnded(seq, { ok: false, error }),
      );
    });
  }

  private bodyEnded(seq: number, outcome: Outcome): void {
    this.active.delete(seq);
    if (this.ended) return;
    this.order.ready(seq, outcome);
    this.checkDrained();
  }

  private async complete(entry: JournalEntry): Promise<unknown> {
    this.journal.record({ ...entry, turn: this.order.turnFor(entry.seq) });
    await this.host.checkpoint(entry);
    if (this.ended) return never();
    return entry.value;
  }

  private async fail<T>(entry: JournalEntry, cause?: unknown): Promise<T> {
    this.journal.record({ ...entry, turn: this.order.turnFor(entry.seq) });
    await this.host.checkpoint(entry);
    if (this.ended) return never();
    throw stepError(entry, cause);
  }

  /** Marks a call as waiting for the rest of this attempt; when every unsettled call waits, the execution parks. */
  private wait<T>(seq: number, wait: Wait): Promise<T> {
    this.active.delete(seq);
    this.waits.set(seq, wait);
    this.order.poke();
    this.checkDrained();
    return never();
  }

  /** A signal wait: resolves when new signals arrive, or at a deadline near enough to wait out in process. */
  private signalOrDeadline(seq: number, name: string, deadline: number | undefined): Promise<void> {
    return new Promise<void>((resolve) => {
      const stopTimer = new AbortController();
      const wake = (): void => {
        this.signalWakers.delete(seq);
        this.waits.delete(seq);
        this.active.add(seq);
        stopTimer.abort();
        resolve();
      };
      this.signalWakers.set(seq, wake);
      this.active.delete(seq);
      this.waits.set(seq, {
        seq,
        kind: "signal",
        signal: name,
        ...(deadline === undefined ? {} : { until: deadline }),
      });
      const remaining = deadline === undefined ? Infinity : deadline - this.clockMs();
      if (remaining < this.inProcessWaitMs)
        this.host.clock.sleep(Math.max(0, remaining), stopTimer.signal).then(wake, () => undefined);
      this.order.poke();
      this.checkDrained();
    });
  }

  /** The first signal of that name this execution has not consumed yet. */
  private takeSignal(name: string): Signal | undefined {
    const signals = this.host.signals();
    this.signalsSeen = Math.max(this.signalsSeen, signals.length);
    const consumed = new Set(
      this.journal
        .steps()
        .flatMap((entry) => (entry.kind === "signal" && entry.signal !== undefined ? [entry.signal] : [])),
    );
    return signals.find((signal) => signal.name === name && !consumed.has(signal.id));
  }

  /** The settle order found nothing to deliver: park if every unsettled call waits. */
  private quiet(): void {
    if (this.ended || this.draining) return;
    if (this.active.size === 0 && this.order.undelivered === 0 && this.waits.size > 0)
      this.host.park([...this.waits.values()], this.signalsSeen);
  }

  private checkDrained(): void {
    if (this.draining && !this.ended && this.active.size === 0) this.host.drained();
  }

  private logger(tags: () => Record<string, unknown>): Logger {
    const line = (level: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
      if (this.journal.replaying || this.ended) return;
      this.host.log(level, message, { ...tags(), ...fields });
    };
    return { info: line("info"), warn: line("warn"), error: line("error") };
  }

  private clockMs(): number {
    return this.host.clock.now();
  }

  private nowIso(): string {
    return new Date(this.clockMs()).toISOString();
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected value ${JSON.stringify(value)}`);
}
