// Labels each Execution with its Function's resource name, so workers can watch by label
// (Executions applied with kubectl, like the seed's, come without it).
import { FUNCTION_LABEL, toResourceName, type Execution } from "../crds/index.ts";
import type { ResourceClient } from "../runtime/index.ts";
import type { Lister } from "./lister.ts";
import { splitKey, type Reconciler } from "./work-queue.ts";

/** The label value an Execution should carry, or undefined when it already does. */
export function missingFunctionLabel(execution: Execution): string | undefined {
  const wanted = toResourceName(execution.spec.function);
  return execution.metadata.labels?.[FUNCTION_LABEL] === wanted ? undefined : wanted;
}

export function labelReconciler(deps: {
  executions: Lister<Execution>;
  client: ResourceClient<Execution>;
}): Reconciler {
  return async (key) => {
    const { namespace, name } = splitKey(key);
    const execution = deps.executions.get(namespace, name);
    // A held execution is its worker's alone (and a worker only holds what it found by this label).
    if (
      execution === undefined ||
      execution.metadata.deletionTimestamp !== undefined ||
      execution.status?.phase === "Executing"
    )
      return {};
    const label = missingFunctionLabel(execution);
    if (label === undefined) return {};
    await deps.client.mergePatch(namespace, name, { metadata: { labels: { [FUNCTION_LABEL]: label } } });
    return {};
  };
}
