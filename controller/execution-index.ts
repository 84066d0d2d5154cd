// Counts of a Function's executions per revision and phase, and of the executions each worker Pod holds,
// kept up to date from the Execution informer's events so a reconcile reads them without a scan.
import { FUNCTION_LABEL, REVISION_LABEL, toResourceName, type Execution } from "../crds/index.ts";
import type { RevisionCounts } from "./desired-replicas.ts";
import { revisionOf } from "./image-revision.ts";
import { keyOf } from "./work-queue.ts";

type Bucket = keyof RevisionCounts;

interface Entry {
  function: string;
  /** "" for an execution not pinned yet. */
  revision: string;
  bucket: Bucket | undefined;
  pod: string | undefined;
}

/** `namespace/function-resource-name`: the key of a Function, and of its executions' group. */
export function functionKeyOf(execution: Execution): string {
  const functionName = execution.metadata.labels?.[FUNCTION_LABEL] ?? toResourceName(execution.spec.function);
  return `${execution.metadata.namespace ?? ""}/${functionName}`;
}

function bucketOf(execution: Execution): Bucket | undefined {
  if (execution.metadata.deletionTimestamp !== undefined) return undefined;
  const phase = execution.status?.phase;
  switch (phase) {
    case undefined:
    case "Pending":
      return "pending";
    case "Executing":
      return "executing";
    case "Suspended":
      return "suspended";
    case "Completed":
    case "Failed":
    case "Cancelled":
      return undefined;
    default: {
      const unknown: never = phase;
      return unknown;
    }
  }
}

export class ExecutionIndex {
  private readonly entries = new Map<string, Entry>();
  private readonly counts = new Map<string, Map<string, RevisionCounts>>();
  private readonly held = new Map<string, Map<string, number>>();
  private readonly members = new Map<string, Set<string>>();
  /** An image seen run for a revision (status.observedImage), by `function/revision`. */
  private readonly images = new Map<string, string>();
  /** One copy of each function key, shared by its executions' entries. */
  private readonly functionKeys = new Map<string, string>();

  /** Takes in an informer event. */
  observe(execution: Execution, kind: "add" | "update" | "delete"): void {
    const key = keyOf(execution);
    const previous = this.entries.get(key);
    if (previous !== undefined) this.apply(key, previous, -1);
    if (kind === "delete") {
      this.entries.delete(key);
      return;
    }
    const functionKey = functionKeyOf(execution);
    if (!this.functionKeys.has(functionKey)) this.functionKeys.set(functionKey, functionKey);
    const entry: Entry = {
      function: this.functionKeys.get(functionKey)!,
      revision: execution.metadata.labels?.[REVISION_LABEL] ?? "",
      bucket: bucketOf(execution),
      pod: execution.status?.phase === "Executing" ? execution.status.lease?.pod : undefined,
    };
    this.entries.set(key, entry);
    this.apply(key, entry, +1);
    const image = execution.status?.observedImage;
    const revision = revisionOf(image);
    if (revision !== undefined) this.images.set(`${entry.function}/${revision}`, image!);
  }

  /** Unfinished executions of a Function by revision ("" = not pinned yet). */
  revisionCounts(functionKey: string): ReadonlyMap<string, RevisionCounts> {
    return this.counts.get(functionKey) ?? new Map();
  }

  /** Executions each of a Function's worker Pods holds. */
  heldByPod(functionKey: string): ReadonlyMap<string, number> {
    return this.held.get(functionKey) ?? new Map();
  }

  /** Keys (`namespace/name`) of a Function's executions. */
  executionsOf(functionKey: string): readonly string[] {
    return [...(this.members.get(functionKey) ?? [])];
  }

  /** An image reference some worker reported running `revision` with, if any. */
  imageOf(functionKey: string, revision: string): string | undefined {
    return this.images.get(`${functionKey}/${revision}`);
  }

  private apply(key: string, entry: Entry, delta: 1 | -1): void {
    const members = this.members.get(entry.function) ?? new Set<string>();
    if (delta > 0) members.add(key);
    else members.delete(key);
    if (members.size === 0) this.members.delete(entry.function);
    else this.members.set(entry.function, members);
    if (entry.bucket !== undefined) {
      const byRevision = this.counts.get(entry.function) ?? new Map<string, RevisionCounts>();
      const counts = byRevision.get(entry.revision) ?? { pending: 0, executing: 0, suspended: 0 };
      counts[entry.bucket] += delta;
      if (counts.pending + counts.executing + counts.suspended === 0) byRevision.delete(entry.revision);
      else byRevision.set(entry.revision, counts);
      if (byRevision.size === 0) this.counts.delete(entry.function);
      else this.counts.set(entry.function, byRevision);
    }
    if (entry.pod !== undefined) {
      const pods = this.held.get(entry.function) ?? new Map<string, number>();
      const held = (pods.get(entry.pod) ?? 0) + delta;
      if (held === 0) pods.delete(entry.pod);
      else pods.set(entry.pod, held);
      if (pods.size === 0) this.held.delete(entry.function);
      else this.held.set(entry.function, pods);
    }
  }
}
