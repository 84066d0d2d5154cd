// What the detail view shows of one Execution: the object with large values cut past ~10 KB (each loadable in
// full on request), its YAML, the Suspension that parks it, its children and how long it waited to start.
import { stringify } from "yaml";
import type { Execution, JournalEntry, Suspension } from "../../crds/index.ts";
import { executionRow, type ExecutionRow } from "./execution-row.ts";
import { type WaitBreakdown, type WaitInputs, waitBreakdown } from "./wait-breakdown.ts";

/** Values whose JSON is longer than this are sent as a preview. */
export const VALUE_PREVIEW_BYTES = 10 * 1024;

/** Stands in for a value too large to send whole. */
export interface TruncatedValue {
  $truncated: true;
  bytes: number;
  preview: string;
}

export interface ExecutionDetail {
  execution: Execution;
  yaml: string;
  suspension: Suspension["spec"] | undefined;
  children: ExecutionRow[];
  waited: WaitBreakdown;
}

export function executionDetail(
  execution: Execution,
  suspension: Suspension | undefined,
  children: readonly Execution[],
  wait: WaitInputs,
): ExecutionDetail {
  const shown = truncateExecution(execution);
  const { managedFields: _, ...metadata } = shown.metadata;
  return {
    execution: shown,
    yaml: stringify({ ...shown, metadata }),
    suspension: suspension?.spec,
    children: children.map(executionRow),
    waited: waitBreakdown(wait),
  };
}

/** A step's value (or the result, or the arguments) whole, for "load all". */
export function fullValue(execution: Execution, which: string): unknown {
  if (which === "result") return execution.status?.result ?? null;
  if (which === "arguments") return execution.spec.arguments ?? null;
  const step = execution.status?.state?.steps?.find((entry) => String(entry.seq) === which);
  return step === undefined ? undefined : (step.value ?? step.error ?? null);
}

export function truncateValue(value: unknown): unknown {
  if (value === undefined || value === null) return value;
  const text = JSON.stringify(value);
  if (text.length <= VALUE_PREVIEW_BYTES) return value;
  return { $truncated: true, bytes: Buffer.byteLength(text), preview: text.slice(0, VALUE_PREVIEW_BYTES) };
}

function truncateExecution(execution: Execution): Execution {
  const status = execution.status;
  const steps = status?.state?.steps?.map(
    (step): JournalEntry => (step.value === undefined ? step : { ...step, value: truncateValue(step.value) }),
  );
  return {
    ...execution,
    spec: { ...execution.spec, arguments: truncateValue(execution.spec.arguments) },
    ...(status === undefined
      ? {}
      : {
          status: {
            ...status,
            ...(status.result === undefined ? {} : { result: truncateValue(status.result) }),
            ...(status.state === undefined ? {} : { state: { ...status.state, steps } }),
          },
        }),
  };
}
