// The errors the client throws on purpose, each with a stable code and a message that says what to do.
import type { Execution } from "../crds/index.ts";
import { KontinueError } from "../runtime/client-entry.ts";

/** One API operation, as a message names it: `create executions.kontinue.cloud "x" in namespace "ns"`. */
export interface Operation {
  /** The RBAC verb: get, list, watch, create, update, patch, delete. */
  verb: string;
  /** The resource as RBAC names it, e.g. `executions.kontinue.cloud`, `pods/log`. */
  resource: string;
  name?: string;
  namespace: string;
}

const subject = (operation: Operation): string =>
  `${operation.resource}${operation.name === undefined ? "" : ` "${operation.name}"`} in namespace ` +
  `"${operation.namespace}"`;

/** `executions.kontinue.cloud` → `execution`, `pods/log` → `pod`. */
const singular = (resource: string): string => resource.split(/[./]/)[0]!.replace(/s$/, "");

export class NotFoundError extends KontinueError {
  readonly resource: string;
  readonly resourceName: string | undefined;
  constructor(operation: Operation, cluster: string, cause?: unknown) {
    const kind = singular(operation.resource);
    super(
      "CLIENT_NOT_FOUND",
      `${kind} "${operation.name}" does not exist in namespace "${operation.namespace}" on ${cluster}; list them ` +
        `with "kontinue get ${kind}s -n ${operation.namespace}"`,
      { cause, terminal: true },
    );
    this.name = "NotFoundError";
    this.resource = operation.resource;
    this.resourceName = operation.name;
  }
}

export class ForbiddenError extends KontinueError {
  readonly verb: string;
  readonly resource: string;
  constructor(operation: Operation, cluster: string, serverMessage: string, cause?: unknown) {
    super(
      "CLIENT_FORBIDDEN",
      `not allowed to ${operation.verb} ${subject(operation)} on ${cluster}: ${serverMessage}; ` +
        `ask for a Role granting ` +
        `"${operation.verb}" on "${operation.resource}" (check with "kubectl auth can-i ${operation.verb} ` +
        `${operation.resource} -n ${operation.namespace}")`,
      { cause, terminal: true },
    );
    this.name = "ForbiddenError";
    this.verb = operation.verb;
    this.resource = operation.resource;
  }
}

export class NoCrdsError extends KontinueError {
  constructor(cluster: string, cause?: unknown) {
    super(
      "CLIENT_NO_CRDS",
      `Kontinue's resources (kontinue.cloud/v1alpha1) are not installed on ${cluster}; install them with ` +
        `"kontinue install"`,
      { cause, terminal: true },
    );
    this.name = "NoCrdsError";
  }
}

export class UnreachableError extends KontinueError {
  constructor(cluster: string, server: string, why: string, cause?: unknown) {
    super(
      "CLIENT_UNREACHABLE",
      `cannot reach ${cluster} at ${server}: ${why}; is it running? ` +
        `Start the project's devcluster with "kontinue dev" ` +
        `(or "kontinue cluster serve --data .kontinue/cluster"), or pick another cluster with --context/--kubeconfig`,
      { cause },
    );
    this.name = "UnreachableError";
  }
}

export class UnknownFunctionError extends KontinueError {
  readonly functionName: string;
  readonly known: readonly string[];
  constructor(functionName: string, namespace: string, known: readonly string[], cluster: string) {
    super(
      "CLIENT_UNKNOWN_FUNCTION",
      `there is no function "${functionName}" in namespace "${namespace}" on ${cluster}; ` +
        (known.length === 0
          ? `no functions are deployed there: deploy one with "kontinue deploy <dir>" or run "kontinue dev"`
          : `the functions there are ${known.map((name) => `"${name}"`).join(", ")}`),
      { terminal: true },
    );
    this.name = "UnknownFunctionError";
    this.functionName = functionName;
    this.known = known;
  }
}

export class ExecutionFailedError extends KontinueError {
  readonly execution: Execution;
  readonly phase: "Failed" | "Cancelled";
  constructor(execution: Execution, phase: "Failed" | "Cancelled") {
    const error = execution.status?.error;
    super(
      "CLIENT_EXECUTION_FAILED",
      `execution "${execution.metadata.name}" of "${execution.spec.function}" ended ${phase}: ` +
        (error ? `${error.type}: ${error.message}` : "it was cancelled") +
        `; see its steps with "kontinue describe execution ${execution.metadata.name}"`,
      { terminal: true },
    );
    this.name = "ExecutionFailedError";
    this.execution = execution;
    this.phase = phase;
  }
}

export class WaitTimeoutError extends KontinueError {
  constructor(name: string, namespace: string, phase: string, timeoutMs: number) {
    super(
      "CLIENT_WAIT_TIMEOUT",
      `execution "${name}" in namespace "${namespace}" is still ${phase} after ${timeoutMs / 1000}s; it keeps ` +
        `running: see it with "kontinue describe execution ${name} -n ${namespace}", or wait longer (--timeout)`,
    );
    this.name = "WaitTimeoutError";
  }
}

export class ExecutionConflictError extends KontinueError {
  constructor(message: string) {
    super("CLIENT_CONFLICT", message, { terminal: true });
    this.name = "ExecutionConflictError";
  }
}
