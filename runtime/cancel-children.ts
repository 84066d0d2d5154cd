// When an execution ends (completes, fails, times out, is cancelled) its unfinished children are cancelled —
// unless started with `parentClose: "abandon"` — each by `spec.cancelRequested`.
import { PARENT_CLOSE_LABEL, PARENT_UID_LABEL, type Execution, type JournalEntry } from "../crds/index.ts";
import { apiStatus } from "./kube-http.ts";
import type { ResourceClient } from "./resource-client.ts";

const finished = new Set(["Completed", "Failed", "Cancelled"]);

/** The children an execution's journal still waits for, but for those it abandons. */
export function unfinishedChildren(steps: readonly JournalEntry[]): string[] {
  return steps.flatMap((step) =>
    step.kind === "execute" &&
    step.child !== undefined &&
    step.parentClose !== "abandon" &&
    (step.status === "waiting" || step.status === "running")
      ? [step.child]
      : [],
  );
}

/**
 * The children to cancel when `parent` ends: those its journal waits for, and any child labelled with its uid
 * that is not finished (a child created just before a crash, or a cancel, may not be in the journal yet).
 */
export async function childrenToCancel(client: ResourceClient<Execution>, parent: Execution): Promise<string[]> {
  const namespace = parent.metadata.namespace!;
  const fromJournal = unfinishedChildren(parent.status?.state?.steps ?? []);
  if (parent.metadata.uid === undefined) return fromJournal;
  const labelled = await client.list(
    namespace,
    `${PARENT_UID_LABEL}=${parent.metadata.uid},${PARENT_CLOSE_LABEL}!=abandon`,
  );
  const unfinished = labelled.items
    .filter((child) => !finished.has(child.status?.phase ?? ""))
    .map((child) => child.metadata.name!);
  return [...new Set([...fromJournal, ...unfinished])];
}

/** Asks each child to cancel (a spec change, allowed while its worker holds it); children already gone are skipped. */
export async function cancelChildren(
  client: ResourceClient<Execution>,
  namespace: string,
  children: readonly string[],
): Promise<void> {
  await Promise.all(
    children.map(async (child) => {
      try {
        await client.mergePatch(namespace, child, { spec: { cancelRequested: true } });
      } catch (error) {
        if (apiStatus(error) !== 404) throw error;
      }
    }),
  );
}
