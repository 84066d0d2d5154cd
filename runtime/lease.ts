// Leases: a worker's time-limited claim on an execution. Claim, renew and release are all
// status writes guarded by resourceVersion; a 409 on a claim means another worker won.
import type { Execution, ExecutionStatus } from "../crds/index.ts";
import { KontinueError } from "./kontinue-error.ts";
import { apiStatus } from "./kube-http.ts";
import type { ResourceClient } from "./resource-client.ts";

export class LeaseLostError extends KontinueError {
  readonly execution: string;
  constructor(execution: string, why: string) {
    super(
      "RUNTIME_LEASE_LOST",
      `lost the lease on execution "${execution}": ${why}; this worker stops it and the new holder (or the ` +
        `controller) carries on`,
    );
    this.name = "LeaseLostError";
    this.execution = execution;
  }
}

export interface LeaseHolder {
  /** The worker's identity: its Pod name, or host and process id. */
  holder: string;
  leaseMs: number;
  /** Image (or source digest) of the worker, recorded as `status.observedImage`. */
  image: string;
  /** The worker's Pod, when it runs in one (recorded in the lease: the controller reaps at once when it is gone). */
  pod?: string;
  /** The Function revision the worker runs, recorded as `status.revision` on claim. */
  revision?: string;
}

/** The lease object for `holder`, valid for `leaseMs` from `now`. */
export function leaseFor(
  lease: LeaseHolder,
  now: number,
): { holder: string; expiresAt: string; pod?: string; durationSeconds: number } {
  return {
    holder: lease.holder,
    expiresAt: new Date(now + lease.leaseMs).toISOString(),
    ...(lease.pod === undefined ? {} : { pod: lease.pod }),
    durationSeconds: Math.max(1, Math.round(lease.leaseMs / 1000)),
  };
}

/** Pending (or never started) and not being deleted: a worker may claim it once its backoff is over. */
export function isPending(execution: Execution): boolean {
  const phase = execution.status?.phase;
  return (phase === undefined || phase === "Pending") && execution.metadata.deletionTimestamp === undefined;
}

/** Whether a worker may claim the execution at `now` (server time): pending, and not backing off. */
export function isClaimable(execution: Execution, now: number): boolean {
  return isPending(execution) && claimableIn(execution, now) <= 0;
}

/** Ms until a lost attempt's backoff (`status.retryAfter`) is over; ≤ 0 when it may be claimed. */
export function claimableIn(execution: Execution, now: number): number {
  const retryAfter = Date.parse(execution.status?.retryAfter ?? "");
  return Number.isNaN(retryAfter) ? 0 : retryAfter - now;
}

/** The status of an execution just claimed by `lease.holder` at `now`. */
export function claimedStatus(execution: Execution, lease: LeaseHolder, now: number): ExecutionStatus {
  const status = execution.status ?? {};
  const { retryAfter: _backoffOver, ...rest } = status;
  return {
    ...rest,
    phase: "Executing",
    attempt: (status.attempt ?? 0) + 1,
    lease: leaseFor(lease, now),
    startedAt: status.startedAt ?? new Date(now).toISOString(),
    observedImage: lease.image,
    ...(lease.revision === undefined ? {} : { revision: lease.revision }),
  };
}

/** True while the execution's lease is held by `holder` for `attempt`. */
export function holdsLease(execution: Execution, holder: string, attempt: number): boolean {
  const status = execution.status;
  return status?.phase === "Executing" && status.lease?.holder === holder && status.attempt === attempt;
}

/** True when the execution is Executing and its lease has run out at `now`. */
export function leaseExpired(execution: Execution, now: number): boolean {
  const lease = execution.status?.lease;
  return execution.status?.phase === "Executing" && (lease === undefined || Date.parse(lease.expiresAt) <= now);
}

/**
 * Claims `execution` (as read, resourceVersion included); resolves to the claimed object, or undefined if another
 * writer won.
 */
export async function claimLease(
  client: ResourceClient<Execution>,
  execution: Execution,
  lease: LeaseHolder,
  now: number,
): Promise<Execution | undefined> {
  try {
    return await client.replaceStatus({ ...execution, status: claimedStatus(execution, lease, now) });
  } catch (error) {
    const status = apiStatus(error);
    if (status === 409 || status === 404) return undefined;
    throw error;
  }
}
