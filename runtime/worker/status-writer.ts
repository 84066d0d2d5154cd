// The status writes of one held execution: one guarded PUT at a time, writes asked for while one is in
// flight share the next, a 409 is checked (still ours? carry on : lease lost), transient failures are
// retried while the lease lasts, and the journal budget is checked before anything is sent.
import type { Execution, ExecutionStatus, JournalEntry } from "../../crds/index.ts";
import type { Clock } from "../clock.ts";
import { JournalBudgetError } from "../journal-budget-error.ts";
import { apiStatus, isTransientFailure } from "../kube-http.ts";
import { LeaseLostError, holdsLease } from "../lease.ts";
import type { ResourceClient } from "../resource-client.ts";

export interface StatusWriterOptions {
  executions: ResourceClient<Execution>;
  clock: Clock;
  /** The execution as claimed (its resourceVersion guards the first write). */
  claimed: Execution;
  holder: string;
  attempt: number;
  budgetBytes: number;
  /** The status to write now (called when a write starts). */
  status(): ExecutionStatus;
  /** Called after every write that reached the server. */
  onWritten(): void;
  /** A re-read after a 409 shows `spec.cancelRequested`. */
  onCancelRequested(): void;
}

const retryDelaysMs = [50, 100, 200, 400, 800, 1000];

export class StatusWriter {
  private readonly options: StatusWriterOptions;
  private readonly name: string;
  private latest: Execution;
  private expiresAt: number;
  private writtenAt: number;
  private writtenSteps: JournalEntry[];
  private lost = false;
  private chain: Promise<void> = Promise.resolve();
  private queued: { promise: Promise<void> } | undefined;

  constructor(options: StatusWriterOptions) {
    this.options = options;
    this.latest = options.claimed;
    this.name = options.claimed.metadata.name!;
    this.expiresAt = Date.parse(
      options.claimed.status?.lease?.expiresAt ?? new Date(options.clock.now()).toISOString(),
    );
    this.writtenAt = options.clock.now();
    this.writtenSteps = options.claimed.status?.state?.steps ?? [];
  }

  /** The execution as last written or read. */
  get current(): Execution {
    return this.latest;
  }

  /** When the lease last written runs out. */
  get leaseExpiresAt(): number {
    return this.expiresAt;
  }

  get lastWriteAt(): number {
    return this.writtenAt;
  }

  /** The journal as last written. */
  get lastWrittenSteps(): JournalEntry[] {
    return this.writtenSteps;
  }

  /** After this, every write fails with LeaseLostError. */
  markLost(): void {
    this.lost = true;
  }

  /** Writes the current status; calls made while a write is queued share it. */
  flush(): Promise<void> {
    if (this.queued !== undefined) return this.queued.promise;
    const queued = { promise: undefined as unknown as Promise<void> };
    queued.promise = this.chain.then(() => {
      if (this.queued === queued) this.queued = undefined;
      return this.writeOnce();
    });
    this.queued = queued;
    this.chain = queued.promise.catch(() => undefined);
    return queued.promise;
  }

  /** Resolves once every write asked for so far has ended. */
  idle(): Promise<void> {
    return this.chain;
  }

  /** Runs an API call, retrying transient failures while the lease lasts. */
  async retrying<T>(call: () => Promise<T>): Promise<T> {
    for (let failures = 0; ; ) {
      try {
        return await call();
      } catch (error) {
        if (!isTransientFailure(error) || this.options.clock.now() >= this.expiresAt) throw error;
        await this.options.clock.sleep(retryDelaysMs[Math.min(failures++, retryDelaysMs.length - 1)]!);
      }
    }
  }

  private async writeOnce(): Promise<void> {
    if (this.lost) throw new LeaseLostError(this.name, "an earlier write found another holder");
    const { clock, executions, budgetBytes } = this.options;
    const status = this.options.status();
    const bytes =
      Buffer.byteLength(JSON.stringify(status.state ?? {})) + Buffer.byteLength(JSON.stringify(status.result ?? null));
    if (bytes > budgetBytes) throw new JournalBudgetError(this.name, bytes, budgetBytes);
    for (let failures = 0; ; ) {
      try {
        this.latest = await executions.replaceStatus({ ...this.latest, status });
        this.writtenAt = clock.now();
        if (status.lease !== undefined) this.expiresAt = Date.parse(status.lease.expiresAt);
        this.writtenSteps = status.state?.steps ?? [];
        this.options.onWritten();
        return;
      } catch (error) {
        const code = apiStatus(error);
        if (code === 409) {
          await this.adoptLatest();
          continue;
        }
        if (code === 404) throw new LeaseLostError(this.name, "the execution was deleted");
        if (!isTransientFailure(error)) throw error;
        if (clock.now() >= this.expiresAt)
          throw new LeaseLostError(
            this.name,
            `the API server did not take the write before the lease ran out (${(error as Error).message})`,
          );
        await clock.sleep(retryDelaysMs[Math.min(failures++, retryDelaysMs.length - 1)]!);
      }
    }
  }

  /**
   * After a 409: re-read; carry on only if this worker still holds the lease (a spec or label change bumped the
   * version).
   */
  private async adoptLatest(): Promise<void> {
    const latest = await this.retrying(() => this.options.executions.get(this.latest.metadata.namespace!, this.name));
    if (latest === undefined) throw new LeaseLostError(this.name, "the execution was deleted");
    if (!holdsLease(latest, this.options.holder, this.options.attempt)) {
      const holder = latest.status?.lease?.holder;
      throw new LeaseLostError(
        this.name,
        `it is now ${latest.status?.phase ?? "Pending"}${holder === undefined ? "" : ` held by "${holder}"`}` +
          ` (attempt ${latest.status?.attempt ?? 0})`,
      );
    }
    this.latest = latest;
    if (latest.spec.cancelRequested === true) queueMicrotask(() => this.options.onCancelRequested());
  }
}
