// Cancelling an execution cancels its unfinished children: each gets `spec.cancelRequested`.
import type { Execution, JournalEntry } from "../crds/index.ts";
import { apiStatus } from "./kube-http.ts";
import type { ResourceClient } from "./resource-client.ts";

/** The children an execution's journal still waits for. */
export function unfinishedChildren(steps: readonly JournalEntry[]): string[] {
  return steps.flatMap((step) => (step.kind === "execute" && step.child !== undefined && (step.status === "waiting" || step.status === "running") ? [step.child] : []));
}

/** Asks each child to cancel (a spec change, allowed while its worker holds it); children already gone are skipped. */
export async function cancelChildren(client: ResourceClient<Execution>, namespace: string, children: readonly string[]): Promise<void> {
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
