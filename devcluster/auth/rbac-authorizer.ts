// kube's RBAC authorizer over the stored Roles, ClusterRoles and their bindings: a request is allowed when
// a rule of a role bound to the user (directly, by group, or as a ServiceAccount) covers it.
import type { KubeObject } from "../registry/index.ts";

export interface UserInfo {
  name: string;
  groups: string[];
}

/** What a request does, as kube's authorizer attributes name it. */
export type RequestAttributes =
  | {
      kind: "resource";
      verb: string;
      apiGroup: string;
      resource: string;
      subresource?: string;
      namespace?: string;
      name?: string;
    }
  | { kind: "nonResource"; verb: string; path: string };

export interface RbacObjects {
  roles(namespace: string): readonly KubeObject[];
  roleBindings(namespace: string): readonly KubeObject[];
  clusterRoles(): readonly KubeObject[];
  clusterRoleBindings(): readonly KubeObject[];
}

interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

interface Subject {
  kind: string;
  name: string;
  namespace?: string;
}

interface Binding {
  subjects?: Subject[];
  roleRef?: { kind: string; name: string };
}

/**
 * Paths kube's bootstrap ClusterRoles (system:discovery, system:public-info-viewer) open to every authenticated user.
 */
const discoveryPaths = [
  "/api",
  "/api/*",
  "/apis",
  "/apis/*",
  "/openapi",
  "/openapi/*",
  "/version",
  "/version/",
  "/healthz",
  "/livez",
  "/readyz",
];

function matchesSubject(subject: Subject, user: UserInfo, bindingNamespace: string): boolean {
  switch (subject.kind) {
    case "User":
      return subject.name === user.name;
    case "Group":
      return user.groups.includes(subject.name);
    case "ServiceAccount":
      return user.name === `system:serviceaccount:${subject.namespace ?? bindingNamespace}:${subject.name}`;
    default:
      return false;
  }
}

function pathMatches(patterns: readonly string[], path: string): boolean {
  return patterns.some(
    (pattern) =>
      pattern === "*" || pattern === path || (pattern.endsWith("*") && path.startsWith(pattern.slice(0, -1))),
  );
}

/** kube's RuleAllows: verbs, API groups, resources (with `*`, `resource/subresource`, `*∕subresource`), names. */
export function ruleAllows(rule: PolicyRule, attributes: RequestAttributes): boolean {
  const verbs = rule.verbs ?? [];
  if (!verbs.includes("*") && !verbs.includes(attributes.verb)) return false;
  if (attributes.kind === "nonResource") return pathMatches(rule.nonResourceURLs ?? [], attributes.path);
  const groups = rule.apiGroups ?? [];
  if (!groups.includes("*") && !groups.includes(attributes.apiGroup)) return false;
  const combined = attributes.subresource ? `${attributes.resource}/${attributes.subresource}` : attributes.resource;
  const resources = rule.resources ?? [];
  const anySubresource = attributes.subresource !== undefined ? `*/${attributes.subresource}` : undefined;
  const resourceOk = resources.some(
    (resource) => resource === "*" || resource === combined || resource === anySubresource,
  );
  if (!resourceOk) return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || (attributes.name !== undefined && names.includes(attributes.name));
}

function isSelfReview(attributes: RequestAttributes): boolean {
  if (attributes.kind !== "resource" || attributes.apiGroup !== "authorization.k8s.io" || attributes.verb !== "create")
    return false;
  return attributes.resource === "selfsubjectaccessreviews" || attributes.resource === "selfsubjectrulesreviews";
}

export class RbacAuthorizer {
  readonly #objects: RbacObjects;

  constructor(objects: RbacObjects) {
    this.#objects = objects;
  }

  authorize(user: UserInfo, attributes: RequestAttributes): boolean {
    if (user.groups.includes("system:masters")) return true;
    if (attributes.kind === "nonResource" && attributes.verb === "get" && pathMatches(discoveryPaths, attributes.path))
      return true;
    // Self reviews are open to everyone (kube's system:basic-user role).
    if (isSelfReview(attributes)) return true;
    const clusterRoles = new Map(this.#objects.clusterRoles().map((role) => [role.metadata.name, role]));
    const rulesOf = (role: KubeObject | undefined) => (role?.rules ?? []) as PolicyRule[];
    for (const binding of this.#objects.clusterRoleBindings() as (KubeObject & Binding)[]) {
      if (
        binding.roleRef?.kind !== "ClusterRole" ||
        !(binding.subjects ?? []).some((subject) => matchesSubject(subject, user, ""))
      )
        continue;
      if (rulesOf(clusterRoles.get(binding.roleRef.name)).some((rule) => ruleAllows(rule, attributes))) return true;
    }
    const namespace = attributes.kind === "resource" ? attributes.namespace : undefined;
    if (!namespace) return false;
    const roles = new Map(this.#objects.roles(namespace).map((role) => [role.metadata.name, role]));
    for (const binding of this.#objects.roleBindings(namespace) as (KubeObject & Binding)[]) {
      if (!(binding.subjects ?? []).some((subject) => matchesSubject(subject, user, namespace))) continue;
      const ref = binding.roleRef;
      const role =
        ref?.kind === "ClusterRole"
          ? clusterRoles.get(ref.name)
          : ref?.kind === "Role"
            ? roles.get(ref.name)
            : undefined;
      if (rulesOf(role).some((rule) => ruleAllows(rule, attributes))) return true;
    }
    return false;
  }
}

/** kube's Forbidden message: `<resource>.<group> "<name>" is forbidden: User "<user>" cannot <verb> resource …`. */
export function forbiddenMessage(user: UserInfo, attributes: RequestAttributes): string {
  if (attributes.kind === "nonResource")
    return `forbidden: User "${user.name}" cannot ${attributes.verb} path "${attributes.path}"`;
  const qualified = attributes.apiGroup ? `${attributes.resource}.${attributes.apiGroup}` : attributes.resource;
  const subject = attributes.name ? `${qualified} "${attributes.name}"` : qualified;
  const combined = attributes.subresource ? `${attributes.resource}/${attributes.subresource}` : attributes.resource;
  const scope = attributes.namespace ? `in the namespace "${attributes.namespace}"` : "at the cluster scope";
  const action = `cannot ${attributes.verb} resource "${combined}" in API group "${attributes.apiGroup}" ${scope}`;
  return `${subject} is forbidden: User "${user.name}" ${action}`;
}
