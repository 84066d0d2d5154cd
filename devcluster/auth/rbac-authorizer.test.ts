import { describe, expect, it } from "vitest";
import type { KubeObject } from "../registry/index.ts";
import { forbiddenMessage, RbacAuthorizer, ruleAllows } from "./rbac-authorizer.ts";

const sa = {
  name: "system:serviceaccount:shop:worker",
  groups: ["system:serviceaccounts", "system:serviceaccounts:shop", "system:authenticated"],
};
const object = (kind: string, name: string, rest: object): KubeObject => ({
  apiVersion: "rbac.authorization.k8s.io/v1",
  kind,
  metadata: { name },
  ...rest,
});

describe("ruleAllows", () => {
  const execution = {
    kind: "resource" as const,
    verb: "update",
    apiGroup: "kontinue.cloud",
    resource: "executions",
    subresource: "status",
    namespace: "shop",
    name: "a",
  };
  it("matches verbs, groups, resource/subresource, */subresource and resourceNames as kube does", () => {
    expect(
      ruleAllows({ verbs: ["update"], apiGroups: ["kontinue.cloud"], resources: ["executions/status"] }, execution),
    ).toBe(true);
    expect(ruleAllows({ verbs: ["update"], apiGroups: ["kontinue.cloud"], resources: ["executions"] }, execution)).toBe(
      false,
    );
    expect(ruleAllows({ verbs: ["*"], apiGroups: ["*"], resources: ["*/status"] }, execution)).toBe(true);
    expect(ruleAllows({ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }, execution)).toBe(true);
    expect(
      ruleAllows(
        { verbs: ["update"], apiGroups: ["kontinue.cloud"], resources: ["executions/status"], resourceNames: ["b"] },
        execution,
      ),
    ).toBe(false);
    expect(
      ruleAllows({ verbs: ["get"], apiGroups: ["kontinue.cloud"], resources: ["executions/status"] }, execution),
    ).toBe(false);
    expect(
      ruleAllows(
        { verbs: ["get"], nonResourceURLs: ["/metrics*"] },
        { kind: "nonResource", verb: "get", path: "/metrics/x" },
      ),
    ).toBe(true);
  });
});

describe("RbacAuthorizer", () => {
  const authorizer = new RbacAuthorizer({
    roles: (namespace) =>
      namespace === "shop"
        ? [
            object("Role", "worker", {
              rules: [{ verbs: ["get", "list", "watch"], apiGroups: [""], resources: ["pods"] }],
            }),
          ]
        : [],
    roleBindings: (namespace) =>
      namespace === "shop"
        ? [
            object("RoleBinding", "worker", {
              roleRef: { kind: "Role", name: "worker" },
              subjects: [{ kind: "ServiceAccount", name: "worker" }],
            }),
            object("RoleBinding", "view", {
              roleRef: { kind: "ClusterRole", name: "leases" },
              subjects: [{ kind: "Group", name: "system:serviceaccounts:shop" }],
            }),
          ]
        : [],
    clusterRoles: () => [
      object("ClusterRole", "leases", {
        rules: [{ verbs: ["*"], apiGroups: ["coordination.k8s.io"], resources: ["leases"] }],
      }),
      object("ClusterRole", "crds", {
        rules: [{ verbs: ["get"], apiGroups: ["apiextensions.k8s.io"], resources: ["customresourcedefinitions"] }],
      }),
    ],
    clusterRoleBindings: () => [
      object("ClusterRoleBinding", "crds", {
        roleRef: { kind: "ClusterRole", name: "crds" },
        subjects: [{ kind: "User", name: sa.name }],
      }),
    ],
  });
  const pods = (verb: string, namespace = "shop") => ({
    kind: "resource" as const,
    verb,
    apiGroup: "",
    resource: "pods",
    namespace,
  });

  it("allows what the bound Role, ClusterRole (in the namespace) and ClusterRoleBinding grant, nothing else", () => {
    expect(authorizer.authorize(sa, pods("list"))).toBe(true);
    expect(authorizer.authorize(sa, pods("delete"))).toBe(false);
    expect(authorizer.authorize(sa, pods("list", "other"))).toBe(false);
    expect(
      authorizer.authorize(sa, {
        kind: "resource",
        verb: "update",
        apiGroup: "coordination.k8s.io",
        resource: "leases",
        namespace: "shop",
      }),
    ).toBe(true);
    expect(
      authorizer.authorize(sa, {
        kind: "resource",
        verb: "update",
        apiGroup: "coordination.k8s.io",
        resource: "leases",
        namespace: "other",
      }),
    ).toBe(false);
    expect(
      authorizer.authorize(sa, {
        kind: "resource",
        verb: "get",
        apiGroup: "apiextensions.k8s.io",
        resource: "customresourcedefinitions",
      }),
    ).toBe(true);
    expect(authorizer.authorize(sa, { kind: "nonResource", verb: "get", path: "/apis/apps/v1" })).toBe(true);
    expect(authorizer.authorize({ name: "admin", groups: ["system:masters"] }, pods("delete", "any"))).toBe(true);
  });

  it("says what was refused the way kube-apiserver does", () => {
    expect(
      forbiddenMessage(sa, {
        kind: "resource",
        verb: "update",
        apiGroup: "kontinue.cloud",
        resource: "executions",
        subresource: "status",
        namespace: "shop",
        name: "x",
      }),
    ).toBe(
      'executions.kontinue.cloud "x" is forbidden: User "system:serviceaccount:shop:worker" cannot update resource ' +
        '"executions/status" in API group "kontinue.cloud" in the namespace "shop"',
    );
    expect(forbiddenMessage(sa, { kind: "resource", verb: "list", apiGroup: "", resource: "nodes" })).toBe(
      'nodes is forbidden: User "system:serviceaccount:shop:worker" cannot list resource "nodes" in API group "" at ' +
        "the cluster scope",
    );
  });
});
