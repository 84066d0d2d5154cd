// One attempt of one execution on this worker: replay and run the function, checkpoint each step with
// one guarded status write (coalesced when steps finish together), renew the lease, and end in exactly
// one final write — Completed, Failed, Cancelled, Suspended, or handed back to Pending.
import { API_VERSION, FUNCTION_LABEL, toResourceName, type ErrorInfo, type Execution, type ExecutionStatus, type JournalEntry } from "../../crds/index.ts";
import { cancelChildren, unfinishedChildren } from "../cancel-children.ts";
import type { Clock } from "../clock.ts";
import { ExecutionContext, type ChildState, type ContextHost, type LogLevel, type Wait } from "../context.ts";
import type { FunctionDefinition } from "../define-function.ts";
import { Journal, type NonDeterminismError } from "../journal.ts";
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
    super("RUNTIME_EXECUTION_TIMEOUT", `execution "${execution}" ran past its timeout of ${seconds}s (timeoutSeconds, counted from its first start); raise timeoutSeconds or split the work`, { terminal: true });
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
  private stepsOverride: JournalEntry[] | undefined;
  private lost = false;
  private finalWriteAt: number | undefined;
  private timers: NodeJS.Timeout[] = [];
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
    this.journal = new Journal(this.name, steps);
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
      this.timers.push(setTimeout(() => this.timeOut(timeoutSeconds), Math.max(0, deadline - this.clock.now())));
    }
    if (this.writer.current.spec.cancelRequested === true) return void this.cancel();
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
    if (execution.spec.cancelRequested === true && this.final === undefined) void this.cancel();
  }

  /** Worker shutdown, gently: running steps finish and are checkpointed, then the execution goes back to Pending. */
  drain(): void {
    this.context.drain();
  }

  /** Ends the attempt now and hands the execution back to Pending (worker shutdown, grace period over). */
  release(): Promise<AttemptOutcome> {
    this.abort.abort(new KontinueError("RUNTIME_WORKER_STOPPING", `worker "${this.shared.lease.holder}" is stopping; execution "${this.name}" goes back to Pending`));
    void this.finish({ phase: "Pending" });
    return this.done;
  }

  // ContextHost

  checkpoint(entry?: JournalEntry): Promise<void> {
    return this.writer.flush().then(
      () => {
        if (entry !== undefined) this.shared.metrics.stepSeconds.observe({ kind: entry.kind }, (this.clock.now() - Date.parse(entry.startedAt)) / 1000);
      },
      (error: unknown) => {
        this.abandon(error);
        return never<void>();
      },
    );
  }

  knowsFunction(name: string): Promise<boolean> {
    return name === this.shared.functionName ? Promise.resolve(true) : this.writer.retrying(() => this.shared.knowsFunction(this.namespace, name));
  }

  childName(seq: number): string {
    const name = `${this.name}-${seq}`;
    if (name.length <= 253) return name;
    let hash = 0;
    for (const char of this.name) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) >>> 0;
    return `${this.name.slice(0, 230).replace(/[-.]+$/, "")}-${hash.toString(36)}-${seq}`;
  }

  async startChild(child: { seq: number; name: string; function: string; args: unknown }): Promise<void> {
    const body: Execution = {
      apiVersion: API_VERSION,
      kind: "Execution",
      metadata: {
        name: child.name,
        namespace: this.namespace,
        labels: { [FUNCTION_LABEL]: toResourceName(child.function) },
        ownerReferences: [{ apiVersion: API_VERSION, kind: "Execution", name: this.name, uid: this.writer.current.metadata.uid!, controller: true, blockOwnerDeletion: false }],
      },
      spec: { function: child.function, arguments: child.args, parent: { name: this.name, step: child.seq } },
    };
    await this.writer.retrying(async () => {
      try {
        await this.shared.resources.executions.create(this.namespace, body);
      } catch (error) {
        if (apiStatus(error) !== 409) throw error;
      }
    });
  }

  async readChild(name: string): Promise<ChildState> {
    const child = await this.writer.retrying(() => this.shared.resources.executions.get(this.namespace, name));
    const status = child?.status;
    switch (status?.phase) {
      case undefined:
        return child === undefined ? { phase: "missing" } : { phase: "running" };
      case "Completed":
        return { phase: "completed", result: status.result ?? null };
      case "Failed":
        return { phase: "failed", message: `failed: ${status.error?.type ?? "Error"}: ${status.error?.message ?? "no error recorded"}` };
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

  park(waits: Wait[]): void {
    void this.suspend(suspensionSpecFor(this.name, waits));
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

  private async suspend(spec: SuspensionSpec): Promise<void> {
    if (this.final !== undefined) return;
    this.context.end();
    try {
      await this.writer.retrying(() => writeSuspension(this.shared.resources.suspensions, suspensionFor(this.writer.current, spec)));
    } catch (error) {
      this.shared.log("error", `cannot park: writing the Suspension failed: ${(error as Error).message}`, { execution: this.name });
      await this.finish({ phase: "Pending" });
      return;
    }
    await this.finish({ phase: "Suspended" });
  }

  private async cancel(): Promise<void> {
    if (this.final !== undefined) return;
    this.abort.abort(new ExecutionCancelledError(this.name));
    const outcome = await this.finish({ phase: "Cancelled" });
    if (outcome !== "Cancelled") return;
    await cancelChildren(this.shared.resources.executions, this.namespace, unfinishedChildren(this.journal.steps())).catch((error: unknown) =>
      this.shared.log("warn", `cancelling children failed: ${(error as Error).message}`, { execution: this.name }),
    );
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

  /** The one final write. Returns how the attempt ended. */
  private async finish(final: Final): Promise<AttemptOutcome> {
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
    return this.end(outcome);
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
    const status: ExecutionStatus = { ...rest, state: { ...base.state, steps: this.stepsOverride ?? this.journal.steps() }, attempt: this.attempt };
    const final = this.final;
    if (final === undefined) return { ...status, phase: "Executing", lease: leaseFor(this.shared.lease, now) };
    switch (final.phase) {
      case "Completed":
        return { ...status, phase: "Completed", result: (toJson(final.result, "result") ?? null) as never, completedAt: new Date(now).toISOString() };
      case "Failed":
        return { ...status, phase: "Failed", error: final.error, completedAt: new Date(now).toISOString() };
      case "Cancelled":
        return { ...status, phase: "Cancelled", error: toErrorInfo(new ExecutionCancelledError(this.name)), completedAt: new Date(now).toISOString() };
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
