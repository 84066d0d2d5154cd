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

export { KontinueError, isKontinueError, describeErrorChain } from "./kontinue-error.ts";
export type { KontinueErrorOptions } from "./kontinue-error.ts";
