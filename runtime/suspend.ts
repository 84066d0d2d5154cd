// Suspensions: why an execution is parked and what wakes it. The worker writes one (named after
// the execution, owned by it) before it sets `phase: Suspended`; resuming is replaying.
import {
  API_VERSION,
  FUNCTION_LABEL,
  toResourceName,
  type Execution,
  type Suspension,
  type SuspensionSpec,
} from "../crds/index.ts";
import type { Wait } from "./context.ts";
import type { JournalVersionError, NonDeterminismError } from "./journal.ts";
import { KontinueError } from "./kontinue-error.ts";
import { apiStatus } from "./kube-http.ts";
import type { ResourceClient } from "./resource-client.ts";

/**
 * What the waiting calls of an execution need: the earliest time that wakes one, the children and the signals
 * waited for (any one of them wakes it), and how many signals it had seen (a later one of an awaited name wakes it).
 */
export function suspensionSpecFor(execution: string, waits: readonly Wait[], signalsSeen = 0): SuspensionSpec {
  const children = waits.flatMap((wait) => (wait.child === undefined ? [] : [wait.child]));
  const signals = [...new Set(waits.flatMap((wait) => (wait.signal === undefined ? [] : [wait.signal])))];
  const times = waits.flatMap((wait) => (wait.until === undefined ? [] : [wait.until]));
  const deployWaits = waits.filter((wait) => wait.kind === "execute" && wait.child === undefined).length;
  const reason =
    children.length > 0 || deployWaits > 0
      ? "Execute"
      : signals.length > 0
        ? "Signal"
        : waits.some((wait) => wait.kind === "poll")
          ? "Poll"
          : "Sleep";
  return {
    execution,
    reason,
    ...(times.length > 0 ? { until: new Date(Math.min(...times)).toISOString() } : {}),
    ...(children.length > 0 ? { children } : {}),
    ...(signals.length > 0 ? { signals, signalsSeen } : {}),
    ...(deployWaits > 0
      ? { message: `${deployWaits} ctx.execute call(s) wait for their function to be deployed` }
      : {}),
  };
}

/** Parks a non-deterministic execution until a different image (or source) runs it. */
export function nonDeterminismSpecFor(
  execution: string,
  error: NonDeterminismError | JournalVersionError,
  image: string,
): SuspensionSpec {
  return { execution, reason: "NonDeterminism", message: error.message, image };
}

/** The Suspension object for `execution`, owned by it so it goes when the execution does. */
export function suspensionFor(execution: Execution, spec: SuspensionSpec): Suspension {
  const name = execution.metadata.name!;
  return {
    apiVersion: API_VERSION,
    kind: "Suspension",
    metadata: {
      name,
      namespace: execution.metadata.namespace,
      labels: {
        [FUNCTION_LABEL]: execution.metadata.labels?.[FUNCTION_LABEL] ?? toResourceName(execution.spec.function),
      },
      ownerReferences: [
        {
          apiVersion: API_VERSION,
          kind: "Execution",
          name,
          uid: execution.metadata.uid!,
          controller: true,
          blockOwnerDeletion: false,
        },
      ],
    },
    spec,
  };
}

/** Creates the Suspension, or replaces a stale one left by an earlier attempt. */
export async function writeSuspension(
  client: ResourceClient<Suspension>,
  suspension: Suspension,
  rounds = 10,
): Promise<void> {
  const { namespace, name } = suspension.metadata as { namespace: string; name: string };
  for (let round = 0; ; round++) {
    // Bounded: an old Suspension held by a finalizer, or writers racing, must not spin this attempt for ever.
    if (round === rounds) {
      throw new KontinueError(
        "RUNTIME_SUSPENSION_CONFLICT",
        `cannot write Suspension "${name}" in namespace "${namespace}": it kept changing or being deleted ` +
          `(${rounds} tries); the execution goes back to Pending and parks again on its next attempt`,
      );
    }
    if (round > 0) await new Promise((resolve) => setTimeout(resolve, 20 * round));
    try {
      await client.create(namespace, suspension);
      return;
    } catch (error) {
      if (apiStatus(error) !== 409) throw error;
    }
    const existing = await client.get(namespace, name);
    if (existing === undefined) continue;
    if (existing.metadata.deletionTimestamp !== undefined) continue;
    try {
      await client.replace({
        ...suspension,
        metadata: { ...suspension.metadata, resourceVersion: existing.metadata.resourceVersion },
      });
      return;
    } catch (error) {
      const status = apiStatus(error);
      if (status !== 409 && status !== 404) throw error;
    }
  }
}
