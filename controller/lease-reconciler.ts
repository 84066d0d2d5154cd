// The lease reaper: an Executing execution goes back to Pending when its worker is dead — its Pod gone,
// its container terminated, or restarted since this attempt's lease was first seen — or, as the fallback,
// when its lease has not changed for the lease's duration as this controller observed it (client-go's
// leader-election rule: skewed clocks cannot reap a live lease). Lost attempts are counted only while
// they make no progress (no step finished since the last loss); each counted loss backs off
// exponentially (status.retryAfter); past the Function's retry.maxAttempts the execution fails.
import type { V1Pod } from "@kubernetes/client-node";
import {
  toResourceName,
  type Execution,
  type ExecutionStatus,
  type FunctionResource,
  type RetryPolicy,
} from "../crds/index.ts";
import type { Clock, ResourceClient } from "../runtime/index.ts";
import { LeaseObserver, type LeaseObservation } from "./lease-observer.ts";
import type { Lister } from "./lister.ts";
import { splitKey, type Reconciler } from "./work-queue.ts";

/** Attempts an execution gets when its Function sets no retry.maxAttempts (or has no Function resource). */
export const DEFAULT_MAX_ATTEMPTS = 3;
/** Backoff after a counted loss when the Function's retry policy sets none: 1 s, doubling, at most 60 s. */
export const DEFAULT_LOSS_BACKOFF = {
  initialIntervalSeconds: 1,
  backoffCoefficient: 2,
  maximumIntervalSeconds: 60,
} as const;

/** What the controller can see of a worker's Pod. */
export type WorkerPodState = { gone: true } | { gone: false; restarts: number; ended: string | undefined };

/** The lease's length as its holder wrote it, if it did (`status.lease.durationSeconds`). */
export function leaseDurationMs(execution: Execution): number | undefined {
  const seconds = execution.status?.lease?.durationSeconds;
  return seconds !== undefined && seconds > 0 ? seconds * 1000 : undefined;
}

/**
 * Ms until the lease expires (≤ 0: expired): its duration after this controller first saw its current
 * value; a lease written without a duration falls back to `expiresAt` against `now` (clock-dependent).
 */
export function leaseRemainingMs(execution: Execution, observation: LeaseObservation, now: number): number {
  const duration = leaseDurationMs(execution);
  if (duration !== undefined) return observation.observedAt + duration - now;
  const expiresAt = Date.parse(execution.status?.lease?.expiresAt ?? "");
  return Number.isNaN(expiresAt) ? 0 : expiresAt - now;
}

/** Why the worker holding the lease is known dead, or undefined when it may be alive. */
export function workerDeath(pod: string, state: WorkerPodState, observation: LeaseObservation): string | undefined {
  if (state.gone) return `its Pod "${pod}" is gone`;
  if (state.ended !== undefined) return `its Pod "${pod}" stopped running it: ${state.ended}`;
  if (observation.restarts !== undefined && state.restarts > observation.restarts) {
    const counts = `restartCount ${state.restarts}, ${observation.restarts} when the lease was taken`;
    return `its Pod "${pod}" restarted its container (${counts})`;
  }
  return undefined;
}

/** A Pod's restart count, and what ended, if its container terminated or the Pod itself finished. */
export function workerPodState(pod: V1Pod | undefined): WorkerPodState {
  if (pod === undefined) return { gone: true };
  const statuses = pod.status?.containerStatuses ?? [];
  const terminated = statuses.find((status) => status.state?.terminated !== undefined);
  const exit = terminated?.state?.terminated;
  const phase = pod.status?.phase;
  const finished = phase === "Failed" || phase === "Succeeded" ? `the Pod is ${phase}` : undefined;
  return {
    gone: false,
    restarts: statuses.reduce((sum, status) => sum + (status.restartCount ?? 0), 0),
    ended:
      terminated === undefined
        ? finished
        : `container "${terminated.name}" exited ${exit?.exitCode ?? "?"}${exit?.reason ? ` (${exit.reason})` : ""}`,
  };
}

/** Steps of the journal that finished (completed or failed): the measure of progress. */
export function finishedSteps(execution: Execution): number {
  const steps = execution.status?.state?.steps ?? [];
  return steps.filter((step) => step.status === "completed" || step.status === "failed").length;
}

/** Backoff (ms) after the `losses`-th consecutive loss without progress. */
export function lossBackoffMs(losses: number, retry: RetryPolicy | undefined): number {
  const initial = retry?.initialIntervalSeconds ?? DEFAULT_LOSS_BACKOFF.initialIntervalSeconds;
  const coefficient = retry?.backoffCoefficient ?? DEFAULT_LOSS_BACKOFF.backoffCoefficient;
  const maximum = retry?.maximumIntervalSeconds ?? DEFAULT_LOSS_BACKOFF.maximumIntervalSeconds;
  return losses <= 0 ? 0 : Math.min(maximum, initial * coefficient ** (losses - 1)) * 1000;
}

/**
 * The status after reaping the lease at `now` because `why`. A loss counts against retry.maxAttempts
 * only when no step finished since the previous loss (or, on the first attempt, since the start).
 */
export function reapedStatus(
  execution: Execution,
  retry: RetryPolicy | undefined,
  now: number,
  why: string,
): ExecutionStatus {
  const { lease, ...status } = execution.status ?? {};
  const { retryAfter: _previousRetry, ...rest } = status;
  const steps = finishedSteps(execution);
  const baseline = status.stepsAtLastLoss ?? ((status.attempt ?? 1) <= 1 ? 0 : undefined);
  const progressed = baseline !== undefined && steps > baseline;
  const lost = progressed ? 0 : (status.lostAttempts ?? 0) + 1;
  const maxAttempts = retry?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const loss: Pick<ExecutionStatus, "retryAfter" | "stepsAtLastLoss"> = { stepsAtLastLoss: steps };
  if (lost < maxAttempts) {
    const backoff = lossBackoffMs(lost, retry);
    if (backoff > 0) loss.retryAfter = new Date(now + backoff).toISOString();
    return { ...rest, ...loss, phase: "Pending", lostAttempts: lost };
  }
  const holder = lease === undefined ? "no worker" : `"${lease.holder}" (${why})`;
  return {
    ...rest,
    ...loss,
    phase: "Failed",
    lostAttempts: lost,
    completedAt: new Date(now).toISOString(),
    error: {
      type: "RUNTIME_ATTEMPTS_EXHAUSTED",
      message:
        `execution "${execution.metadata.name}" lost its worker ${lost} times, the last one ${holder}, ` +
        `each time without finishing a step; function "${execution.spec.function}" allows ${maxAttempts} attempts ` +
        "(retry.maxAttempts); see the worker logs for why it stopped, then start a new execution",
    },
  };
}

export interface LeaseReconcilerDeps {
  executions: Lister<Execution>;
  functions: Lister<FunctionResource>;
  client: ResourceClient<Execution>;
  clock: Clock;
  /** A worker's Pod as the controller sees it; absent when Pods are not visible to the controller. */
  workerPod?: (namespace: string, pod: string) => Promise<WorkerPodState>;
  /** Default: a fresh one (tests share one to inspect it). */
  observer?: LeaseObserver;
}

export function leaseReconciler(deps: LeaseReconcilerDeps): Reconciler {
  const observer = deps.observer ?? new LeaseObserver();
  return async (key) => {
    const { namespace, name } = splitKey(key);
    const execution = deps.executions.get(namespace, name);
    if (execution?.status?.phase !== "Executing") {
      observer.forget(key);
      return {};
    }
    const now = deps.clock.now();
    const pod = execution.status.lease?.pod;
    const podState =
      pod === undefined || deps.workerPod === undefined ? undefined : await deps.workerPod(namespace, pod);
    const observation = observer.observe(key, execution, now, podState?.gone === false ? podState.restarts : undefined);
    let why = podState === undefined ? undefined : workerDeath(pod!, podState, observation);
    if (why === undefined) {
      const remaining = leaseRemainingMs(execution, observation, now);
      if (remaining > 0) return { requeueAfter: remaining };
      why = `lease expired ${execution.status.lease?.expiresAt ?? "(no lease)"}`;
    }
    const retry = deps.functions.get(namespace, toResourceName(execution.spec.function))?.spec.retry;
    await deps.client.replaceStatus({ ...execution, status: reapedStatus(execution, retry, now, why) });
    observer.forget(key);
    return {};
  };
}
