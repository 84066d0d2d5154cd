// The Kontinue runtime: the SDK a Function file imports, and the worker bundled into every image.
//
// Glossary — one word per concept, everywhere:
//   function    a durable workflow, one file, defined with `defineFunction`
//   execution   one run of a function (an `Execution` resource)
//   step        one durable call inside an execution (`ctx.store`, `sleep`, `execute`, `poll`)
//   journal     the recorded steps of an execution (`status.state`), replayed on every restart
//   lease       a worker's time-limited claim on an execution
//   suspension  why and until when an execution is parked (a `Suspension` resource)
//   schedule    a cron rule that starts executions (a `ScheduledExecution` resource)

// Errors, the API transport, resource and signal clients: also the client library's entry.
export * from "./client-entry.ts";

// The SDK a Function file uses.
export { defineFunction, isFunctionDefinition, InvalidFunctionDefinitionError } from "./define-function.ts";
export type { FunctionDefinition, FunctionOptions, FunctionRetry, FunctionScaling } from "./define-function.ts";
export type {
  Context,
  StepContext,
  StoreOptions,
  ExecuteOptions,
  PollOptions,
  SignalOptions,
  ParentClose,
  Logger,
  LogLevel,
  ArgsOf,
  ResultOf,
} from "./context.ts";
export { StepTimeoutError } from "./context.ts";
export { InvalidCallError } from "./call-arguments.ts";
export { parseDuration, InvalidDurationError } from "./duration.ts";
export type { Duration } from "./duration.ts";
export type { StepRetry } from "./step-retry.ts";
export type { JsonValue } from "./json-value.ts";
export { NotJsonError } from "./json-value.ts";
export { StepFailedError, ChildExecutionFailedError } from "./step-failed-error.ts";
export { NonDeterminismError, JournalVersionError, JOURNAL_VERSION } from "./journal.ts";
export { JournalBudgetError, DEFAULT_JOURNAL_BUDGET_BYTES } from "./journal-budget-error.ts";
export { ExecutionTimeoutError, ExecutionCancelledError } from "./worker/execution-attempt.ts";

// The worker.
export { runWorkerFromEnv, runWorker, workerSettingsFromEnv } from "./worker/run-worker.ts";
export type { RunWorkerOptions } from "./worker/run-worker.ts";
export { Worker } from "./worker/worker.ts";
export type { WorkerOptions, LeaseRecord } from "./worker/worker.ts";
export type { AttemptOutcome } from "./worker/execution-attempt.ts";

// Shared with the controller: time, the API transport and clients, leases, suspensions.
export { systemClock, ManualClock, MAX_TIMER_MS } from "./clock.ts";
export { ServerClock } from "./server-clock.ts";
export type { ServerClockOptions } from "./server-clock.ts";
export type { Clock } from "./clock.ts";
export { createResourceInformer } from "./resource-informer.ts";
export type { ResourceInformer, ResourceInformerOptions, ChangeKind } from "./resource-informer.ts";
export { LeaseLostError, isClaimable, isPending, claimableIn, leaseExpired, holdsLease } from "./lease.ts";
export { cancelChildren, childrenToCancel, unfinishedChildren } from "./cancel-children.ts";
export { recordEvent, eventFor } from "./event-recorder.ts";
export type { KubeEvent, EventOptions, EventSubject } from "./event-recorder.ts";
