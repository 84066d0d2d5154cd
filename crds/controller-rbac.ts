// The controller's identity when installed into a cluster: a ServiceAccount, a ClusterRole granting exactly the calls
// the controller makes (no wildcards), and a Role for its leader-election Lease in its own namespace.
import type {
  V1ClusterRole,
  V1ClusterRoleBinding,
  V1PolicyRule,
  V1Role,
  V1RoleBinding,
  V1ServiceAccount,
} from "@kubernetes/client-node";
import { GROUP } from "./crd-manifest.ts";
import { APP_NAME_LABEL, MANAGED_BY, MANAGED_BY_LABEL } from "./labels.ts";

/** The name of the controller's ServiceAccount, ClusterRole, Role, their bindings and its Deployment. */
export const CONTROLLER_NAME = "kontinue-controller";

/**
 * What controller/ calls, across namespaces. Informers list and watch Executions, Suspensions, Functions,
 * ScheduledExecutions, Pods and the objects it owns; the reconcilers label, re-pin and cancel Executions (patch),
 * create and delete them (schedules, TTL), and write their status (leases, suspensions, cancellation); delete
 * Suspensions; write Function and ScheduledExecution status; create, update, scale (patch) and delete worker
 * Deployments; create and update each Function's ServiceAccount, Role and RoleBinding; set Pods' deletion cost
 * (patch); and record Events. The Role it grants workers (controller/desired-rbac.ts) must be a subset of this, as
 * Kubernetes refuses to let anyone grant what they do not hold: hence `get`/`patch` on executions/status and
 * `create`/`update` on Suspensions, which the workers use, and `patch` on Events.
 */
export const CONTROLLER_RULES: readonly V1PolicyRule[] = [
  {
    apiGroups: [GROUP],
    resources: ["executions"],
    verbs: ["get", "list", "watch", "create", "patch", "delete"],
  },
  { apiGroups: [GROUP], resources: ["executions/status"], verbs: ["get", "update", "patch"] },
  {
    apiGroups: [GROUP],
    resources: ["suspensions"],
    verbs: ["get", "list", "watch", "create", "update", "delete"],
  },
  // patch: the drain finalizer (kontinue.cloud/drain-executions) a Function keeps until its executions finish.
  { apiGroups: [GROUP], resources: ["functions"], verbs: ["get", "list", "watch", "patch"] },
  { apiGroups: [GROUP], resources: ["scheduledexecutions"], verbs: ["get", "list", "watch"] },
  { apiGroups: [GROUP], resources: ["functions/status", "scheduledexecutions/status"], verbs: ["update"] },
  {
    apiGroups: ["apps"],
    resources: ["deployments"],
    verbs: ["get", "list", "watch", "create", "update", "patch", "delete"],
  },
  { apiGroups: [""], resources: ["serviceaccounts"], verbs: ["get", "list", "watch", "create", "update"] },
  {
    apiGroups: ["rbac.authorization.k8s.io"],
    resources: ["roles", "rolebindings"],
    verbs: ["get", "list", "watch", "create", "update"],
  },
  { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch", "patch"] },
  { apiGroups: [""], resources: ["events"], verbs: ["create", "patch"] },
];

/** Leader election (`--leader-elect`): one Lease in the controller's namespace, read, created and renewed. */
export const LEADER_ELECTION_RULES: readonly V1PolicyRule[] = [
  { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["get", "create", "update"] },
];

const labels = { [APP_NAME_LABEL]: CONTROLLER_NAME, [MANAGED_BY_LABEL]: MANAGED_BY };

function copyRules(rules: readonly V1PolicyRule[]): V1PolicyRule[] {
  return rules.map((rule) => ({
    ...rule,
    apiGroups: [...rule.apiGroups!],
    resources: [...rule.resources!],
    verbs: [...rule.verbs],
  }));
}

export function controllerServiceAccount(namespace: string): V1ServiceAccount {
  return { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: CONTROLLER_NAME, namespace, labels } };
}

export function controllerClusterRole(): V1ClusterRole {
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRole",
    metadata: { name: CONTROLLER_NAME, labels },
    rules: copyRules(CONTROLLER_RULES),
  };
}

export function controllerClusterRoleBinding(namespace: string): V1ClusterRoleBinding {
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRoleBinding",
    metadata: { name: CONTROLLER_NAME, labels },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: CONTROLLER_NAME },
    subjects: [{ kind: "ServiceAccount", name: CONTROLLER_NAME, namespace }],
  };
}

export function leaderElectionRole(namespace: string): V1Role {
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "Role",
    metadata: { name: CONTROLLER_NAME, namespace, labels },
    rules: copyRules(LEADER_ELECTION_RULES),
  };
}

export function leaderElectionRoleBinding(namespace: string): V1RoleBinding {
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    metadata: { name: CONTROLLER_NAME, namespace, labels },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: CONTROLLER_NAME },
    subjects: [{ kind: "ServiceAccount", name: CONTROLLER_NAME, namespace }],
  };
}

/** The labels on everything the install creates (the Deployment's selector too). */
export function controllerLabels(): Record<string, string> {
  return { ...labels };
}
