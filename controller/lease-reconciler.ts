// The lease reaper: an Executing execution whose lease ran out — or whose worker's Pod is gone, when
// Pods are visible — goes back to Pending with the lost attempt counted; past the Function's
// retry.maxAttempts it fails with a clear error. It never writes an execution whose lease is live.
import { toResourceName, type Execution, type ExecutionStatus, type FunctionResource } from "../crds/index.ts";
import type { Clock, ResourceClient } from "../runtime/index.ts";
import type { Lister } from "./lister.ts";
import { splitKey, type Reconciler } from "./work-queue.ts";

/** Attempts an execution gets when its Function sets no retry.maxAttempts (or has no Function resource). */
export const DEFAULT_MAX_ATTEMPTS = 3;

/** The status after reaping a lease at `now`: expired, or (with `podGone`) held by a Pod that is gone. */
export function reapedStatus(execution: Execution, maxAttempts: number, now: number, podGone?: string): ExecutionStatus {
  const { lease, ...status } = execution.status ?? {};
  const lost = (status.lostAttempts ?? 0) + 1;
  if (lost < maxAttempts) return { ...status, phase: "Pending", lostAttempts: lost };
  const holder = lease === undefined ? "no worker" : `"${lease.holder}" (${podGone === undefined ? `lease expired ${lease.expiresAt}` : `its Pod "${podGone}" is gone`})`;
  return {
    ...status,
    phase: "Failed",
    lostAttempts: lost,
    completedAt: new Date(now).toISOString(),
    error: {
      type: "RUNTIME_ATTEMPTS_EXHAUSTED",
      message: `execution "${execution.metadata.name}" lost its worker ${lost} times, the last one ${holder}; function "${execution.spec.function}" allows ${maxAttempts} attempts (retry.maxAttempts); see the worker logs for why it stopped, then start a new execution`,
    },
  };
}

export interface LeaseReconcilerDeps {
  executions: Lister<Execution>;
  functions: Lister<FunctionResource>;
  client: ResourceClient<Execution>;
  clock: Clock;
  /** Whether a worker's Pod is gone; absent when Pods are not visible to the controller. */
  podGone?: (namespace: string, pod: string) => Promise<boolean>;
}

export function leaseReconciler(deps: LeaseReconcilerDeps): Reconciler {
  return async (key) => {
    const { namespace, name } = splitKey(key);
    const execution = deps.executions.get(namespace, name);
    if (execution?.status?.phase !== "Executing") return {};
    const now = deps.clock.now();
    const expiresAt = Date.parse(execution.status.lease?.expiresAt ?? "");
    const pod = execution.status.lease?.pod;
    let gone: string | undefined;
    if (expiresAt > now) {
      if (pod === undefined || deps.podGone === undefined || !(await deps.podGone(namespace, pod))) return { requeueAfter: expiresAt - now };
      gone = pod;
    }
    const maxAttempts = deps.functions.get(namespace, toResourceName(execution.spec.function))?.spec.retry?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    await deps.client.replaceStatus({ ...execution, status: reapedStatus(execution, maxAttempts, now, gone) });
    return {};
  };
}
