// One attempt of one execution on this worker: replay and run the function, checkpoint each step with
// one guarded status write (coalesced when steps finish together), renew the lease, and end in exactly
// one final write — Completed, Failed, Cancelled, Suspended, or handed back to Pending.
import {
  API_VERSION,
  FUNCTION_LABEL,
  PARENT_CLOSE_LABEL,
  PARENT_UID_LABEL,
  toResourceName,
  type ErrorInfo,
  type Execution,
  type ExecutionStatus,
  type JournalEntry,
  type Signal,
} from "../../crds/index.ts";
import { cancelChildren, childrenToCancel, unfinishedChildren } from "../cancel-children.ts";
import type { Clock } from "../clock.ts";
import {
  ExecutionContext,
  type ChildState,
  type ContextHost,
  type LogLevel,
  type ParentClose,
  type Wait,
} from "../context.ts";
import type { FunctionDefinition } from "../define-function.ts";
import { JOURNAL_VERSION, Journal, type JournalVersionError, type NonDeterminismError } from "../journal.ts";
import { recordEvent } from "../event-recorder.ts";
import { toJson } from "../json-value.ts";
import { KontinueError, isKontinueError } from "../kontinue-error.ts";
import { apiStatus } from "../kube-http.ts";
import { leaseFor, type LeaseHolder } from "../lease.ts";
import type { KontinueResources } from "../resource-client.ts";
import { toErrorInfo } from "../step-failed-error.ts";
import { nonDeterminismSpecFor, suspensionFor, suspensionSpecFor, writeSuspension } from "../suspend.ts";
import type { SuspensionSpec } from "../../crds/index.ts";
import { StatusWriter } from "./status-writer.ts";
import type { WorkerMetrics } from "./worker-metrics.ts";

export type AttemptOutcome = "Completed" | "Failed" | "Cancelled" | "Suspended" | "Released" | "Lost";

type Final =
  | { phase: "Completed"; result: unknown }
  | { phase: "Failed"; error: ErrorInfo }
  | { phase: "Cancelled" }
  | { phase: "Suspended" }
  | { phase: "Pending" };

export class ExecutionTimeoutError extends KontinueError {
  constructor(execution: string, seconds: number) {
    super(
      "RUNTIME_EXECUTION_TIMEOUT",
      `execution "${execution}" ran past its timeout of ${seconds}s (timeoutSeconds, counted from its first start); ` +
        `raise timeoutSeconds or split the work`,
      { terminal: true },
    );
    this.name = "ExecutionTimeoutError";
  }
}

export class ExecutionCancelledError extends KontinueError {
  constructor(execution: string) {
    super("RUNTIME_CANCELLED", `execution "${execution}" was cancelled (spec.cancelRequested)`, { terminal: true });
    this.name = "ExecutionCancelledError";
  }
}

/** Lookups an attempt shares with the other attempts of its worker. */
export interface AttemptShared {
  resources: KontinueResources;
  definition: FunctionDefinition;
  functionName: string;
  lease: LeaseHolder;
  clock: Clock;
  metrics: WorkerMetrics;
  journalBudgetBytes: number;
  inProcessWaitMs: number;
  knowsFunction(namespace: string, name: string): Promise<boolean>;
  log(level: LogLevel, message: string, tags: Record<string, unknown>): void;
}

const never = <T>(): Promise<T> => new Promise<T>(() => {});

export class ExecutionAttempt implements ContextHost {
  readonly name: string;
  readonly namespace: string;
  readonly clock: Clock;
  private readonly shared: AttemptShared;
  private readonly writer: StatusWriter;
  private readonly attempt: number;
  private readonly journal: Journal;
  private readonly abort = new AbortController();
  private readonly context: ExecutionContext;
  private final: Final | undefined;
  /** Set once the attempt decided to park: nothing else may end it meanwhile. */
  private parking = false;
  private startedChildren = false;
  /** Child creations in flight: the execution's end waits for them, so it can cancel what they create. */
  private readonly childStarts = new Set<Promise<void>>();
  /** The newest copy the worker's informer delivered (for signals sent while the attempt runs). */
  private observed: Execution | undefined;
  /** Set when the journal cannot be replayed by this runtime. */
  private readonly refused: JournalVersionError | undefined;
  private stepsOverride: JournalEntry[] | undefined;
  private lost = false;
  private finalWriteAt: number | undefined;
  private timers: NodeJS.Timeout[] = [];
  /** Aborts when the attempt ends: stops its clock sleeps. */
  private readonly ended = new AbortController();
  private settle!: (outcome: AttemptOutcome) => void;
  /** Resolves once the attempt has ended (its final write done, or the lease lost). */
  readonly done: Promise<AttemptOutcome>;

  constructor(claimed: Execution, shared: AttemptShared) {
    this.shared = shared;
    this.clock = shared.clock;
    this.name = claimed.metadata.name!;
    this.namespace = claimed.metadata.namespace!;
    this.attempt = claimed.status?.attempt ?? 1;
    const steps = claimed.status?.state?.steps ?? [];
    let journal: Journal;
    try {
      journal = new Journal(
        this.name,
        steps,
        claimed.status?.state?.version ?? (steps.length === 0 ? JOURNAL_VERSION : 1),
      );
    } catch (error) {
      if (!isKontinueError(error, "RUNTIME_JOURNAL_VERSION")) throw error;
      this.refused = error as JournalVersionError;
      journal = new Journal(this.name);
    }
    this.journal = journal;
    this.writer = new StatusWriter({
      executions: shared.resources.executions,
      clock: this.clock,
      claimed,
      holder: shared.lease.holder,
      attempt: this.attempt,
      budgetBytes: shared.journalBudgetBytes,
      status: () => this.snapshot(),
      onWritten: () => shared.metrics.statusWrites.inc(),
      onCancelRequested: () => void this.cancel(),
    });
    this.done = new Promise((resolve) => (this.settle = resolve));
    this.context = new ExecutionContext({
      executionName: this.name,
      namespace: this.namespace,
      attempt: this.attempt,
      journal: this.journal,
      host: this,
      signal: this.abort.signal,
      inProcessWaitMs: shared.inProcessWaitMs,
    });
    if (steps.length > 0) shared.metrics.replays.inc();
  }

  /** Starts running the function; `done` tells when the attempt ends. */
  start(): void {
    const { definition, lease } = this.shared;
    const renewEvery = lease.leaseMs / 3;
    this.timers.push(setInterval(() => this.renew(renewEvery), Math.max(50, renewEvery / 2)));
    const timeoutSeconds = definition.timeoutSeconds;
    if (timeoutSeconds !== undefined) {
      const startedAt = this.writer.current.status?.startedAt;
      const deadline = (startedAt === undefined ? this.clock.now() : Date.parse(startedAt)) + timeoutSeconds * 1000;
      // Through the clock: timeouts past setTimeout's 24.8-day limit must not fire at once.
      this.clock.sleep(Math.max(0, deadline - this.clock.now()), this.ended.signal).then(
        () => this.timeOut(timeoutSeconds),
        () => undefined,
      );
    }
    if (this.writer.current.spec.cancelRequested === true) return void this.cancel();
    if (this.refused !== undefined) {
      this.shared.log("error", this.refused.message, { execution: this.name });
      return void this.suspend(nonDeterminismSpecFor(this.name, this.refused, this.shared.lease.image));
    }
    Promise.resolve()
      .then(() => definition.run(this.context, this.writer.current.spec.arguments as never))
      .then(
        (result) => this.finish({ phase: "Completed", result }),
        (error: unknown) => this.finish({ phase: "Failed", error: toErrorInfo(error) }),
      );
  }

  /** Until when this attempt held the lease: the start of its final write, or the lease's end if it was lost. */
  get heldUntil(): number {
    return this.lost || this.finalWriteAt === undefined ? this.writer.leaseExpiresAt : this.finalWriteAt;
  }

  /** The latest copy seen by the worker's informer: acts on a cancel request. */
  observe(execution: Execution): void {
    this.observed = execution;
    if (execution.spec.cancelRequested === true && this.final === undefined) void this.cancel();
    else this.context.signalsChanged();
  }

  /** Worker shutdown, gently: running steps finish and are checkpointed, then the execution goes back to Pending. */
  drain(): void {
    this.context.drain();
  }

  /** Ends the attempt now and hands the execution back to Pending (worker shutdown, grace period over). */
  release(): Promise<AttemptOutcome> {
    this.abort.abort(
      new KontinueError(
        "RUNTIME_WORKER_STOPPING",
        `worker "${this.shared.lease.holder}" is stopping; execution "${this.name}" goes back to Pending`,
      ),
    );
    void this.finish({ phase: "Pending" });
    return this.done;
  }

  // ContextHost

  checkpoint(entry?: JournalEntry): Promise<void> {
    return this.writer.flush().then(
      () => {
        if (entry !== undefined)
          this.shared.metrics.stepSeconds.observe(
            { kind: entry.kind },
            (this.clock.now() - Date.parse(entry.startedAt)) / 1000,
          );
      },
      (error: unknown) => {
        this.abandon(error);
        return never<void>();
      },
    );
  }

  knowsFunction(name: string): Promise<boolean> {
    return name === this.shared.functionName
      ? Promise.resolve(true)
      : this.writer.retrying(() => this.shared.knowsFunction(this.namespace, name));
  }

  childName(seq: number): string {
    const name = `${this.name}-${seq}`;
    if (name.length <= 253) return name;
    let hash = 0;
    for (const char of this.name) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) >>> 0;
    return `${this.name.slice(0, 230).replace(/[-.]+$/, "")}-${hash.toString(36)}-${seq}`;
  }

  async startChild(child: {
    seq: number;
    name: string;
    function: string;
    args: unknown;
    parentClose?: ParentClose;
  }): Promise<void> {
    this.startedChildren = true;
    const started = this.createChild(child);
    this.childStarts.add(started);
    try {
      await started;
    } finally {
      this.childStarts.delete(started);
    }
  }

  private async createChild(child: {
    seq: number;
    name: string;
    function: string;
    args: unknown;
    parentClose?: ParentClose;
  }): Promise<void> {
    const body: Execution = {
      apiVersion: API_VERSION,
      kind: "Execution",
      metadata: {
        name: child.name,
        namespace: this.namespace,
        labels: {
          [FUNCTION_LABEL]: toResourceName(child.function),
          [PARENT_UID_LABEL]: this.writer.current.metadata.uid!,
          ...(child.parentClose === "abandon" ? { [PARENT_CLOSE_LABEL]: "abandon" } : {}),
        },
        ownerReferences: [
          {
            apiVersion: API_VERSION,
            kind: "Execution",
            name: this.name,
            uid: this.writer.current.metadata.uid!,
            controller: true,
            blockOwnerDeletion: false,
          },
        ],
      },
      spec: { function: child.function, arguments: child.args, parent: { name: this.name, step: child.seq } },
    };
    await this.writer.retrying(async () => {
      try {
        await this.shared.resources.executions.create(this.namespace, body);
      } catch (error) {
        if (apiStatus(error) !== 409) throw error;
        const existing = await this.shared.resources.executions.get(this.namespace, child.name);
        const foreign = existing === undefined ? undefined : this.foreignChild(existing, child.seq);
        if (foreign !== undefined) throw new KontinueError("RUNTIME_CHILD_CONFLICT", foreign, { terminal: true });
      }
    });
  }

  async readChild(name: string, seq: number): Promise<ChildState> {
    const child = await this.writer.retrying(() => this.shared.resources.executions.get(this.namespace, name));
    const foreign = child === undefined ? undefined : this.foreignChild(child, seq);
    if (foreign !== undefined) return { phase: "foreign", message: foreign };
    const status = child?.status;
    switch (status?.phase) {
      case undefined:
        return child === undefined ? { phase: "missing" } : { phase: "running" };
      case "Completed":
        return { phase: "completed", result: status.result ?? null };
      case "Failed":
        return {
          phase: "failed",
          message: `failed: ${status.error?.type ?? "Error"}: ${status.error?.message ?? "no error recorded"}`,
        };
      case "Cancelled":
        return { phase: "failed", message: "was cancelled" };
      case "Pending":
      case "Executing":
      case "Suspended":
        return { phase: "running" };
      default:
        return assertNever(status!.phase);
    }
  }

  signals(): readonly Signal[] {
    const latest = this.writer.current.spec.signals ?? [];
    const observed = this.observed?.spec.signals ?? [];
    // Signals are only ever appended: the longer list is the newer.
    return observed.length > latest.length ? observed : latest;
  }

  park(waits: Wait[], signalsSeen: number): void {
    void this.suspend(suspensionSpecFor(this.name, waits, signalsSeen));
  }

  diverged(error: NonDeterminismError): void {
    this.shared.log("error", error.message, { execution: this.name });
    void this.suspend(nonDeterminismSpecFor(this.name, error, this.shared.lease.image));
  }

  drained(): void {
    void this.finish({ phase: "Pending" });
  }

  log(level: LogLevel, message: string, tags: Record<string, unknown>): void {
    this.shared.log(level, message, tags);
  }

  // Ending the attempt

  /** Why `existing`, found under step `seq`'s child name, is not that child; undefined when it is. */
  private foreignChild(existing: Execution, seq: number): string | undefined {
    const uid = this.writer.current.metadata.uid;
    const parent = existing.spec.parent;
    const owned =
      existing.metadata.ownerReferences?.some((owner) => owner.kind === "Execution" && owner.uid === uid) ?? false;
    if (parent?.name === this.name && parent.step === seq && owned) return undefined;
    const claims = parent === undefined ? "no parent" : `parent "${parent.name}" step ${parent.step}`;
    return (
      `step ${seq} of execution "${this.name}" (uid ${uid}) would start child "${existing.metadata.name}", but an ` +
      `Execution of that ` +
      `name already exists with ${claims}${owned ? "" : " and is not owned by this execution"}; it is not adopted: ` +
      "delete or rename that Execution, then retry this one"
    );
  }

  private async suspend(spec: SuspensionSpec): Promise<void> {
    if (this.final !== undefined || this.parking) return;
    this.parking = true;
    this.context.end();
    try {
      await this.writer.retrying(() =>
        writeSuspension(this.shared.resources.suspensions, suspensionFor(this.writer.current, spec)),
      );
    } catch (error) {
      this.shared.log("error", `cannot park: writing the Suspension failed: ${(error as Error).message}`, {
        execution: this.name,
      });
      await this.writeFinal({ phase: "Pending" });
      return;
    }
    await this.writeFinal({ phase: "Suspended" });
  }

  private async cancel(): Promise<void> {
    if (this.final !== undefined || this.parking) return;
    this.abort.abort(new ExecutionCancelledError(this.name));
    await this.finish({ phase: "Cancelled" });
  }

  private timeOut(seconds: number): void {
    if (this.final !== undefined) return;
    const error = new ExecutionTimeoutError(this.name, seconds);
    this.abort.abort(error);
    void this.finish({ phase: "Failed", error: toErrorInfo(error) });
  }

  private abandon(error: unknown): void {
    if (this.final !== undefined) return;
    if (isKontinueError(error, "RUNTIME_LEASE_LOST")) {
      this.end("Lost", error);
      return;
    }
    if (isKontinueError(error, "RUNTIME_JOURNAL_BUDGET")) this.stepsOverride = this.writer.lastWrittenSteps;
    else this.shared.log("error", `checkpoint failed: ${(error as Error).message}`, { execution: this.name });
    void this.finish({ phase: "Failed", error: toErrorInfo(error) });
  }

  /** Ends the attempt with `final`, unless it is already ending (or parking). */
  private finish(final: Final): Promise<AttemptOutcome> {
    if (this.final !== undefined || this.parking) return this.done;
    return this.writeFinal(final);
  }

  /** The one final write. Returns how the attempt ended. */
  private async writeFinal(final: Final): Promise<AttemptOutcome> {
    if (this.final !== undefined) return this.done;
    this.context.end();
    if (final.phase === "Completed") {
      try {
        toJson(final.result, `the result of execution "${this.name}"`);
      } catch (error) {
        final = { phase: "Failed", error: toErrorInfo(error) };
      }
    }
    this.final = final;
    try {
      await this.writer.idle();
      this.finalWriteAt = this.clock.now();
      await this.writer.flush();
    } catch (error) {
      if (isKontinueError(error, "RUNTIME_JOURNAL_BUDGET") && this.stepsOverride === undefined) {
        this.stepsOverride = this.writer.lastWrittenSteps;
        this.final = { phase: "Failed", error: toErrorInfo(error) };
        try {
          await this.writer.flush();
        } catch (again) {
          return this.end("Lost", again);
        }
      } else {
        return this.end("Lost", error);
      }
    }
    const outcome: AttemptOutcome = this.final.phase === "Pending" ? "Released" : this.final.phase;
    if (outcome === "Completed" || outcome === "Failed" || outcome === "Cancelled") await this.closeChildren();
    if (outcome === "Completed") await this.reportUnreached();
    return this.end(outcome);
  }

  /** The execution ended: its unfinished children are cancelled, but for those started with parentClose "abandon". */
  private async closeChildren(): Promise<void> {
    // Children are only ever started through startChild: without one this attempt, the journal knows them all.
    if (!this.startedChildren && unfinishedChildren(this.journal.steps()).length === 0) return;
    await Promise.allSettled([...this.childStarts]);
    try {
      const children = await childrenToCancel(this.shared.resources.executions, this.writer.current);
      await cancelChildren(this.shared.resources.executions, this.namespace, children);
    } catch (error) {
      this.shared.log("warn", `cancelling children failed: ${(error as Error).message}`, { execution: this.name });
    }
  }

  /** Recorded steps this code never reached (a newer version removed them): worth a warning, not a failure. */
  private async reportUnreached(): Promise<void> {
    const unreached = this.journal.unreached();
    if (unreached.length === 0) return;
    const steps = unreached.map((entry) => `${entry.seq} (${entry.kind} "${entry.name}")`).join(", ");
    const message =
      `execution "${this.name}" completed without reaching recorded step(s) ${steps}: the code that ` +
      `ran it no longer makes them`;
    this.shared.log("warn", message, { execution: this.name });
    await recordEvent(
      this.shared.resources.events,
      {
        subject: this.writer.current,
        type: "Warning",
        reason: "StepsNotReached",
        message,
        component: "kontinue-worker",
        instance: this.shared.lease.holder,
        now: this.clock.now(),
      },
      (error) =>
        this.shared.log("warn", `cannot record an Event: ${(error as Error).message}`, { execution: this.name }),
    );
  }

  private end(outcome: AttemptOutcome, error?: unknown): AttemptOutcome {
    if (outcome === "Lost") {
      this.lost = true;
      this.writer.markLost();
      this.final ??= { phase: "Pending" };
      if (!this.abort.signal.aborted) this.abort.abort(error);
      this.shared.log("warn", (error as Error | undefined)?.message ?? "lease lost", { execution: this.name });
    }
    this.context.end();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers = [];
    this.ended.abort();
    this.shared.metrics.finished.inc({ outcome });
    this.settle(outcome);
    return outcome;
  }

  // Writing

  private renew(every: number): void {
    if (this.final !== undefined || this.lost || this.clock.now() - this.writer.lastWriteAt < every) return;
    this.shared.metrics.leaseRenewals.inc();
    this.writer.flush().catch((error: unknown) => this.abandon(error));
  }

  private snapshot(): ExecutionStatus {
    const base = this.writer.current.status ?? {};
    const now = this.clock.now();
    const { lease: _lease, ...rest } = base;
    const steps = this.refused === undefined ? (this.stepsOverride ?? this.journal.steps()) : (base.state?.steps ?? []);
    const state = { ...base.state, ...(this.refused === undefined ? { version: JOURNAL_VERSION } : {}), steps };
    const status: ExecutionStatus = { ...rest, state, attempt: this.attempt };
    const final = this.final;
    if (final === undefined) return { ...status, phase: "Executing", lease: leaseFor(this.shared.lease, now) };
    switch (final.phase) {
      case "Completed":
        return {
          ...status,
          phase: "Completed",
          result: (toJson(final.result, "result") ?? null) as never,
          completedAt: new Date(now).toISOString(),
        };
      case "Failed":
        return { ...status, phase: "Failed", error: final.error, completedAt: new Date(now).toISOString() };
      case "Cancelled":
        return {
          ...status,
          phase: "Cancelled",
          error: toErrorInfo(new ExecutionCancelledError(this.name)),
          completedAt: new Date(now).toISOString(),
        };
      case "Suspended":
      case "Pending":
        return { ...status, phase: final.phase };
      default:
        return assertNever(final);
    }
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected value ${JSON.stringify(value)}`);
}
