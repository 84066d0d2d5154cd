// Sending a signal: appended to the Execution's `spec.signals` through the Kubernetes API (so RBAC's "patch
// executions" governs who may), guarded by resourceVersion, and idempotent by signal id.
import { randomUUID } from "node:crypto";
import type { Execution, Signal } from "../crds/index.ts";
import { toJson } from "./json-value.ts";
import { KontinueError } from "./kontinue-error.ts";
import { apiStatus } from "./kube-http.ts";
import type { ResourceClient } from "./resource-client.ts";

export interface SendSignalOptions {
  executions: ResourceClient<Execution>;
  namespace: string;
  execution: string;
  /** The signal's name, as `ctx.waitForSignal(name)` waits for it. */
  name: string;
  payload?: unknown;
  /** Unique per signal (default a random UUID): sending the same id again changes nothing. */
  id?: string;
  /** Default: the system clock's now. */
  now?: number;
}

export type SendSignalResult = { sent: true; signal: Signal } | { sent: false; signal: Signal; why: "duplicate" };

const finished = new Set(["Completed", "Failed", "Cancelled"]);

export class SignalRefusedError extends KontinueError {
  constructor(message: string) {
    super("RUNTIME_SIGNAL_REFUSED", message, { terminal: true });
    this.name = "SignalRefusedError";
  }
}

/** Sends a signal; a second send of the same id is reported as a duplicate and stores nothing. */
export async function sendSignal(options: SendSignalOptions): Promise<SendSignalResult> {
  const { executions, namespace, execution, name } = options;
  if (typeof name !== "string" || name === "")
    throw new SignalRefusedError(`cannot signal execution "${execution}": the signal name must be a non-empty string`);
  const payload = toJson(options.payload ?? null, `the payload of signal "${name}"`) ?? null;
  const signal: Signal = {
    id: options.id ?? randomUUID(),
    name,
    payload,
    sentAt: new Date(options.now ?? Date.now()).toISOString(),
  };
  for (let tries = 1; ; tries++) {
    const current = await executions.get(namespace, execution);
    if (current === undefined)
      throw new SignalRefusedError(
        `cannot signal execution "${execution}" in namespace "${namespace}": it does not exist; check the name with ` +
          `"kubectl get kex -n ${namespace}"`,
      );
    const existing = current.spec.signals?.find((sent) => sent.id === signal.id);
    if (existing !== undefined) return { sent: false, signal: existing, why: "duplicate" };
    const phase = current.status?.phase;
    if (phase !== undefined && finished.has(phase)) {
      throw new SignalRefusedError(
        `cannot signal execution "${execution}" in namespace "${namespace}": it has finished (${phase}); signals ` +
          `only reach running or parked executions`,
      );
    }
    try {
      await executions.replace({
        ...current,
        spec: { ...current.spec, signals: [...(current.spec.signals ?? []), signal] },
      });
      return { sent: true, signal };
    } catch (error) {
      // Bounded: the execution changes with every step it writes; give up after a while rather than spin.
      if (apiStatus(error) !== 409 || tries === 20) throw error;
    }
  }
}
