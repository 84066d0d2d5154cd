// The labels, names and owner reference of the objects the controller creates for a Function.
import type { V1OwnerReference } from "@kubernetes/client-node";
import {
  API_VERSION,
  APP_NAME_LABEL,
  FUNCTION_LABEL,
  MANAGED_BY,
  MANAGED_BY_LABEL,
  REVISION_LABEL,
  type FunctionResource,
} from "../crds/index.ts";

/** Labels of a Function's ServiceAccount, Role and RoleBinding; with `revision`, of its Deployment and Pods. */
export function workloadLabels(fn: FunctionResource, revision?: string): Record<string, string> {
  const name = fn.metadata.name!;
  return {
    [APP_NAME_LABEL]: name,
    [MANAGED_BY_LABEL]: MANAGED_BY,
    [FUNCTION_LABEL]: name,
    ...(revision === undefined ? {} : { [REVISION_LABEL]: revision }),
  };
}

/**
 * The finalizer the controller puts on a Function that has workloads: a deleted Function keeps the Deployments of
 * revisions with unfinished executions until those finish; then the finalizer goes and everything owned with it.
 */
export const DRAIN_FINALIZER = "kontinue.cloud/drain-executions";

/** `process-order` + revision → `process-order-0123456789abcdef`. */
export function deploymentName(fn: FunctionResource, revision: string): string {
  return `${fn.metadata.name}-${revision}`;
}

/** The ServiceAccount, Role and RoleBinding of a Function's workers: `kontinue-<function>`. */
export function workerIdentityName(fn: FunctionResource): string {
  return `kontinue-${fn.metadata.name}`;
}

/** The owner reference that makes deleting the Function delete the object. */
export function ownedBy(fn: FunctionResource): V1OwnerReference {
  return {
    apiVersion: API_VERSION,
    kind: "Function",
    name: fn.metadata.name!,
    uid: fn.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}
