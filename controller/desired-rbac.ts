// A Function's worker identity: a ServiceAccount, and a Role (bound to it) granting exactly the calls the
// runtime's worker makes — no wildcards.
import type { V1PolicyRule, V1Role, V1RoleBinding, V1ServiceAccount } from "@kubernetes/client-node";
import { GROUP, type FunctionResource } from "../crds/index.ts";
import { ownedBy, workerIdentityName, workloadLabels } from "./workload-labels.ts";

/**
 * What runtime/ calls: the worker's informer lists and watches executions; a claim, checkpoint, park and
 * finish write executions/status; `ctx.execute` creates and reads children and cancelling patches them;
 * parking creates, reads, replaces and deletes Suspensions (and lists its function's on start); the worker
 * reads Functions (does a child's function exist?) and reports through Events.
 */
export const WORKER_RULES: readonly V1PolicyRule[] = [
  { apiGroups: [GROUP], resources: ["executions"], verbs: ["get", "list", "watch", "create", "patch"] },
  { apiGroups: [GROUP], resources: ["executions/status"], verbs: ["get", "update", "patch"] },
  { apiGroups: [GROUP], resources: ["suspensions"], verbs: ["get", "list", "create", "update", "delete"] },
  { apiGroups: [GROUP], resources: ["functions"], verbs: ["get", "list", "watch"] },
  { apiGroups: [""], resources: ["events"], verbs: ["create", "patch"] },
];

export function desiredServiceAccount(fn: FunctionResource): V1ServiceAccount {
  return {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: {
      name: workerIdentityName(fn),
      namespace: fn.metadata.namespace,
      labels: workloadLabels(fn),
      ownerReferences: [ownedBy(fn)],
    },
  };
}

export function desiredRole(fn: FunctionResource): V1Role {
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "Role",
    metadata: {
      name: workerIdentityName(fn),
      namespace: fn.metadata.namespace,
      labels: workloadLabels(fn),
      ownerReferences: [ownedBy(fn)],
    },
    rules: WORKER_RULES.map((rule) => ({ ...rule, resources: [...rule.resources!], verbs: [...rule.verbs] })),
  };
}

/** Binds the Role to the Pods' ServiceAccount: the Function's own `serviceAccountName` when it names one. */
export function desiredRoleBinding(fn: FunctionResource): V1RoleBinding {
  const name = workerIdentityName(fn);
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    metadata: { name, namespace: fn.metadata.namespace, labels: workloadLabels(fn), ownerReferences: [ownedBy(fn)] },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
    subjects: [{ kind: "ServiceAccount", name: fn.spec.serviceAccountName ?? name, namespace: fn.metadata.namespace }],
  };
}
