// Waits until each deployed Function is Ready: its controller has seen the applied generation and its Ready condition
// is True; a reason no waiting cures (a bad image, crashing workers) ends the wait for that Function at once.
import type { FunctionResource } from "../crds/index.ts";
import type { ResourceClient } from "../runtime/index.ts";

/** Ready=False reasons that waiting does not cure. */
const HOPELESS: ReadonlySet<string> = new Set(["InvalidImage", "SourceImage", "ImageNotPullable", "WorkersCrashing"]);

export type Readiness =
  | { state: "ready"; revision: string; message: string }
  | { state: "waiting"; message: string }
  | { state: "failed"; reason: string; message: string };

/** Where `fn` stands, given the generation deploy applied (or found unchanged). */
export function readinessOf(fn: FunctionResource | undefined, generation: number): Readiness {
  if (fn === undefined) return { state: "waiting", message: "not found yet" };
  if ((fn.status?.observedGeneration ?? 0) < generation)
    return { state: "waiting", message: "the controller has not seen this version yet" };
  const ready = fn.status?.conditions?.find((condition) => condition.type === "Ready");
  if (ready === undefined) return { state: "waiting", message: "no Ready condition yet" };
  const message = ready.message ?? "";
  if (ready.status === "True") return { state: "ready", revision: fn.status?.activeRevision ?? "", message };
  const reason = ready.reason ?? "Unknown";
  if (HOPELESS.has(reason)) return { state: "failed", reason, message };
  return { state: "waiting", message: reason };
}

export interface WaitOptions {
  functions: ResourceClient<FunctionResource>;
  namespace: string;
  /** resource name → the generation to wait for. */
  generations: ReadonlyMap<string, number>;
  timeoutMs: number;
  /** Told of each change of a Function's readiness. */
  onChange: (name: string, readiness: Readiness) => void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  intervalMs?: number;
}

/** Resolves to each Function's last readiness; those still waiting at the deadline stay "waiting". */
export async function waitUntilReady(options: WaitOptions): Promise<Map<string, Readiness>> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const deadline = now() + options.timeoutMs;
  const last = new Map<string, Readiness>();
  for (;;) {
    const listed = new Map(
      (await options.functions.list(options.namespace)).items.map((fn) => [fn.metadata.name ?? "", fn]),
    );
    for (const [name, generation] of options.generations) {
      if (last.get(name)?.state === "ready" || last.get(name)?.state === "failed") continue;
      const readiness = readinessOf(listed.get(name), generation);
      const before = last.get(name);
      last.set(name, readiness);
      if (before?.state !== readiness.state || before.message !== readiness.message) options.onChange(name, readiness);
    }
    const open = [...last.values()].some((readiness) => readiness.state === "waiting");
    if (!open || now() >= deadline) return last;
    await sleep(options.intervalMs ?? 100);
  }
}
