// The worker's Prometheus metrics, in a registry of its own.
import { Counter, Histogram, Registry } from "prom-client";

export class WorkerMetrics {
  readonly registry = new Registry();
  readonly claimed = new Counter({
    name: "kontinue_executions_claimed_total",
    help: "Executions this worker claimed",
    registers: [this.registry],
  });
  readonly finished = new Counter({
    name: "kontinue_executions_finished_total",
    help: "Attempts this worker ended, by outcome (Completed, Failed, Cancelled, Suspended, Released, Lost)",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });
  readonly stepSeconds = new Histogram({
    name: "kontinue_step_duration_seconds",
    help: "Time from a step's start to its checkpoint being written",
    labelNames: ["kind"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly leaseRenewals = new Counter({
    name: "kontinue_lease_renewals_total",
    help: "Lease renewals written",
    registers: [this.registry],
  });
  readonly replays = new Counter({
    name: "kontinue_replays_total",
    help: "Attempts that started from a non-empty journal",
    registers: [this.registry],
  });
  readonly statusWrites = new Counter({
    name: "kontinue_status_writes_total",
    help: "Execution status writes (claims, checkpoints, renewals, final)",
    registers: [this.registry],
  });
}
