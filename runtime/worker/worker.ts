// The worker loop for one function: watch its Executions, claim Pending ones up to `concurrency`,
// run each attempt, and on stop hand back what it still holds.
import type { KubeConfig } from "@kubernetes/client-node";
import { FUNCTION_LABEL, REVISION_LABEL, toResourceName, type Execution } from "../../crds/index.ts";
import type { Clock } from "../clock.ts";
import type { LogLevel } from "../context.ts";
import type { FunctionDefinition } from "../define-function.ts";
import { DEFAULT_JOURNAL_BUDGET_BYTES } from "../journal-budget-error.ts";
import { KontinueError } from "../kontinue-error.ts";
import { apiStatus, createKubeHttp, type KubeHttp } from "../kube-http.ts";
import { claimLease, isClaimable, isPending, type LeaseHolder } from "../lease.ts";
import { ServerClock } from "../server-clock.ts";
import { createResourceInformer, type ResourceInformer } from "../resource-informer.ts";
import { kontinueResources, type KontinueResources } from "../resource-client.ts";
import { ExecutionAttempt, type AttemptOutcome, type AttemptShared } from "./execution-attempt.ts";
import { WorkerMetrics } from "./worker-metrics.ts";

/**
 * One lease this worker held, for audits: from the claim's answer to the start of its final write (or the lease's end,
 * if lost).
 */
export interface LeaseRecord {
  execution: string;
  holder: string;
  attempt: number;
  from: number;
  to: number;
  outcome: AttemptOutcome;
}

export interface WorkerOptions {
  definition: FunctionDefinition;
  /** The function's logical name, e.g. `processOrder` (the Function file's base name). */
  functionName: string;
  kubeConfig: KubeConfig;
  namespace: string;
  /** Lease holder identity: the Pod name, else host and pid. */
  holder: string;
  /** The worker's Pod, when it runs in one ($POD_NAME). */
  pod?: string;
  /** The image (or source digest) running this code; a different one rescues executions parked as non-deterministic. */
  image: string;
  /**
   * The Function revision this worker runs: it then claims only executions pinned to it (label
   * kontinue.cloud/revision).
   */
  revision?: string;
  /** Executions run at once (default: the definition's, else 10). */
  concurrency?: number;
  /** Lease length (default 30 s); renewed at a third of it. */
  leaseSeconds?: number;
  /** Size budget of journal plus result, in bytes (default 768 KiB). */
  journalBudgetBytes?: number;
  /** Sleeps and poll intervals below this are waited in process (default 2000 ms). */
  inProcessWaitMs?: number;
  /** Transport (default: a keep-alive HTTPS agent for the kubeconfig). */
  http?: KubeHttp;
  clock?: Clock;
  /** Where log lines go (default stdout). */
  log?: (line: string) => void;
  /** Called when a lease ends, for audits. */
  onLease?: (record: LeaseRecord) => void;
}

const scanIntervalMs = 1_000;
const optionKeys = new Set([
  "definition",
  "functionName",
  "kubeConfig",
  "namespace",
  "holder",
  "pod",
  "image",
  "revision",
  "concurrency",
  "leaseSeconds",
  "journalBudgetBytes",
  "inProcessWaitMs",
  "http",
  "clock",
  "log",
  "onLease",
]);

export class Worker {
  readonly metrics = new WorkerMetrics();
  private readonly options: WorkerOptions;
  private readonly resources: KontinueResources;
  private readonly clock: Clock;
  private readonly concurrency: number;
  private readonly shared: AttemptShared;
  private readonly informer: ResourceInformer<Execution>;
  private readonly held = new Map<string, ExecutionAttempt>();
  /** Claimable executions from the informer, oldest first: what a scan looks at (not the whole cache). */
  private readonly claimable = new Map<string, Execution>();
  private readonly claiming = new Set<string>();
  /** Executions whose claim lost, by the resourceVersion that lost: skipped until they change. */
  private readonly lostClaims = new Map<string, string>();
  private readonly knownFunctions = new Map<string, boolean>();
  private scanTimer: NodeJS.Timeout | undefined;
  private scanScheduled = false;
  private synced = false;
  private stopping = false;

  constructor(options: WorkerOptions) {
    const unknown = Object.keys(options).filter((key) => !optionKeys.has(key));
    if (unknown.length > 0)
      throw new KontinueError(
        "RUNTIME_BAD_OPTIONS",
        `cannot start a worker: unknown option(s) ${unknown.map((k) => `"${k}"`).join(", ")}; the options ` +
          `are ${[...optionKeys].join(", ")}`,
        { terminal: true },
      );
    this.options = options;
    // Due times and backoffs written by other machines are compared in the API server's time.
    const server = new ServerClock();
    this.clock = options.clock ?? server;
    this.resources = kontinueResources(options.http ?? createKubeHttp(options.kubeConfig, server.kubeHttpOptions()));
    this.concurrency = options.concurrency ?? options.definition.concurrency ?? 10;
    const lease: LeaseHolder = {
      holder: options.holder,
      leaseMs: (options.leaseSeconds ?? 30) * 1000,
      image: options.image,
      ...(options.pod ? { pod: options.pod } : {}),
      ...(options.revision ? { revision: options.revision } : {}),
    };
    const write = options.log ?? ((line: string) => void process.stdout.write(`${line}\n`));
    this.shared = {
      resources: this.resources,
      definition: options.definition,
      functionName: options.functionName,
      lease,
      clock: this.clock,
      metrics: this.metrics,
      journalBudgetBytes: options.journalBudgetBytes ?? DEFAULT_JOURNAL_BUDGET_BYTES,
      inProcessWaitMs: options.inProcessWaitMs ?? 2_000,
      knowsFunction: (namespace, name) => this.knowsFunction(namespace, name),
      log: (level: LogLevel, message: string, tags: Record<string, unknown>) =>
        write(
          `${new Date(this.clock.now()).toISOString()} ${level} ${Object.entries(tags)
            .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
            .join(" ")} ${message}`,
        ),
    };
    this.informer = createResourceInformer<Execution>({
      kubeConfig: options.kubeConfig,
      client: this.resources.executions,
      namespace: options.namespace,
      labelSelector:
        `${FUNCTION_LABEL}=${toResourceName(options.functionName)}` +
        (options.revision ? `,${REVISION_LABEL}=${options.revision}` : ""),
      clock: this.clock,
      onChange: (execution, kind) => this.onChange(execution, kind),
      onSynced: () => {
        this.synced = true;
        this.claimable.clear();
        for (const execution of this.informer.list()) this.onChange(execution, "update");
      },
      onError: (error) =>
        this.shared.log(
          "warn",
          `watching executions failed, restarting: ${(error as Error).message ?? String(error)}`,
          { function: options.functionName },
        ),
    });
  }

  /** Starts watching and claiming; resolves once the first list is in. */
  async start(): Promise<void> {
    await this.informer.start();
    this.scanTimer = setInterval(() => this.scan(), scanIntervalMs);
    // A revision's workers leave rescues to the controller, which moves such executions to a newer revision.
    if (this.options.revision === undefined)
      await this.rescueParked().catch((error: unknown) =>
        this.shared.log("warn", `cannot look for parked executions: ${(error as Error).message}`, {}),
      );
    this.scan();
  }

  /** True once the worker has listed its executions and is not stopping. */
  get ready(): boolean {
    return this.synced && !this.stopping;
  }

  /** Executions held right now. */
  get holding(): number {
    return this.held.size;
  }

  /**
   * Stops claiming, lets running steps finish for up to `graceMs` (handing each execution back once its steps are
   * done), then hands back the rest to Pending.
   */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    clearInterval(this.scanTimer);
    // A claim in flight lands first, so the execution it wins is drained and handed back with the rest.
    while (this.claiming.size > 0) await this.clock.sleep(10);
    for (const attempt of this.held.values()) attempt.drain();
    const allDone = Promise.all([...this.held.values()].map((attempt) => attempt.done));
    const grace = new AbortController();
    await Promise.race([allDone, this.clock.sleep(graceMs, grace.signal).catch(() => undefined)]);
    grace.abort();
    await Promise.all([...this.held.values()].map((attempt) => attempt.release()));
    await this.informer.stop();
  }

  private onChange(execution: Execution, kind: "add" | "update" | "delete"): void {
    const key = `${execution.metadata.namespace}/${execution.metadata.name}`;
    if (kind === "delete") {
      this.lostClaims.delete(key);
      this.claimable.delete(key);
      return;
    }
    this.held.get(key)?.observe(execution);
    if (isPending(execution)) {
      this.claimable.set(key, execution);
      this.scheduleScan();
    } else {
      this.claimable.delete(key);
    }
  }

  private scheduleScan(): void {
    if (this.scanScheduled) return;
    this.scanScheduled = true;
    setImmediate(() => {
      this.scanScheduled = false;
      this.scan();
    });
  }

  private scan(): void {
    if (this.stopping) return;
    for (const [key, execution] of this.claimable) {
      if (this.held.size + this.claiming.size >= this.concurrency) return;
      if (this.held.has(key) || this.claiming.has(key)) continue;
      if (this.lostClaims.get(key) === execution.metadata.resourceVersion) continue;
      // Backing off after a lost attempt: the periodic scan looks again.
      if (!isClaimable(execution, this.clock.now())) continue;
      void this.claim(key, execution);
    }
  }

  private async claim(key: string, execution: Execution): Promise<void> {
    this.claiming.add(key);
    let claimed: Execution | undefined;
    try {
      claimed = await claimLease(this.resources.executions, execution, this.shared.lease, this.clock.now());
      this.metrics.statusWrites.inc();
    } catch (error) {
      // No answer (or a server error): the next scan tries again.
      this.shared.log("warn", `claim failed: ${(error as Error).message}`, { execution: execution.metadata.name });
      return;
    } finally {
      this.claiming.delete(key);
    }
    if (claimed === undefined) {
      this.lostClaims.set(key, execution.metadata.resourceVersion ?? "");
      this.scheduleScan();
      return;
    }
    this.lostClaims.delete(key);
    const from = this.clock.now();
    this.metrics.claimed.inc();
    const attempt = new ExecutionAttempt(claimed, this.shared);
    this.held.set(key, attempt);
    attempt.start();
    if (this.stopping) attempt.drain();
    const outcome = await attempt.done;
    this.held.delete(key);
    this.options.onLease?.({
      execution: key,
      holder: this.options.holder,
      attempt: claimed.status?.attempt ?? 0,
      from,
      to: attempt.heldUntil,
      outcome,
    });
    this.scheduleScan();
  }

  private async knowsFunction(namespace: string, name: string): Promise<boolean> {
    const key = `${namespace}/${name}`;
    if (this.knownFunctions.get(key) === true) return true;
    const found = (await this.resources.functions.get(namespace, toResourceName(name))) !== undefined;
    this.knownFunctions.set(key, found);
    return found;
  }

  /**
   * Executions of this function parked as non-deterministic under another image go back to Pending: this code may fix
   * them.
   */
  private async rescueParked(): Promise<void> {
    const { namespace, image } = { namespace: this.options.namespace, image: this.options.image };
    const parked = await this.resources.suspensions.list(
      namespace,
      `${FUNCTION_LABEL}=${toResourceName(this.options.functionName)}`,
    );
    for (const suspension of parked.items) {
      if (suspension.spec.reason !== "NonDeterminism" || suspension.spec.image === image) continue;
      const execution = await this.resources.executions.get(namespace, suspension.spec.execution);
      if (execution?.status?.phase !== "Suspended") continue;
      try {
        await this.resources.executions.replaceStatus({
          ...execution,
          status: { ...execution.status, phase: "Pending" },
        });
      } catch (error) {
        if (apiStatus(error) !== 409) throw error;
        continue;
      }
      await this.resources.suspensions.delete(namespace, suspension.metadata.name!, { uid: suspension.metadata.uid });
      this.shared.log(
        "info",
        `resuming: parked as non-deterministic under image "${suspension.spec.image}", this worker runs "${image}"`,
        { execution: execution.metadata.name },
      );
    }
  }
}
