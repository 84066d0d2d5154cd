// RBAC for ServiceAccounts with real kubectl: `auth can-i --as`, impersonated requests allowed and
// refused by stored Roles and bindings, with kube-apiserver's Forbidden message.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Kubectl } from "../fixtures/kubectl.ts";

const namespace = `rbac-${Date.now().toString(36)}`;
const worker = `system:serviceaccount:${namespace}:worker`;
let kubectl: Kubectl;

const objects = [
  { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } },
  { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "worker", namespace } },
  {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "Role",
    metadata: { name: "worker", namespace },
    rules: [
      { apiGroups: [""], resources: ["pods", "pods/log"], verbs: ["get", "list", "watch"] },
      { apiGroups: ["kontinue.cloud"], resources: ["executions"], verbs: ["get", "list", "watch"] },
      { apiGroups: ["kontinue.cloud"], resources: ["executions/status"], verbs: ["update"], resourceNames: ["mine"] },
    ],
  },
  {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    metadata: { name: "worker", namespace },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "worker" },
    subjects: [{ kind: "ServiceAccount", name: "worker", namespace }],
  },
  {
    apiVersion: "kontinue.cloud/v1alpha1",
    kind: "Execution",
    metadata: { name: "other", namespace },
    spec: { function: "processOrder" },
  },
];

beforeAll(async () => {
  kubectl = new Kubectl(inject("kubeconfig"));
  await kubectl.ok(["apply", "-f", "-"], { input: objects.map((object) => JSON.stringify(object)).join("\n") });
});

afterAll(async () => {
  await kubectl.run(["delete", "namespace", namespace, "--wait=false"]);
  kubectl.dispose();
});

async function canI(...args: string[]): Promise<string> {
  return (await kubectl.run(["auth", "can-i", ...args, "-n", namespace, `--as=${worker}`])).stdout.trim();
}

describe("RBAC for ServiceAccounts", () => {
  it("kubectl auth can-i --as answers from the Role bound to the ServiceAccount", async () => {
    expect(await canI("list", "pods")).toBe("yes");
    expect(await canI("get", "pods", "--subresource=log")).toBe("yes");
    expect(await canI("delete", "pods")).toBe("no");
    expect(await canI("watch", "executions.kontinue.cloud")).toBe("yes");
    expect(await canI("update", "executions.kontinue.cloud/mine", "--subresource=status")).toBe("yes");
    expect(await canI("update", "executions.kontinue.cloud/other", "--subresource=status")).toBe("no");
    expect(await canI("create", "executions.kontinue.cloud")).toBe("no");
    expect(
      (await kubectl.run(["auth", "can-i", "list", "pods", "-n", "default", `--as=${worker}`])).stdout.trim(),
    ).toBe("no");
    expect((await kubectl.run(["auth", "can-i", "delete", "pods", "-n", namespace])).stdout.trim()).toBe("yes");
  });

  it("serves what the Role allows and refuses the rest with kube's Forbidden message", async () => {
    expect(await kubectl.ok(["get", "executions", "-n", namespace, `--as=${worker}`])).toContain("other");
    const denied = await kubectl.run([
      "patch",
      "execution",
      "other",
      "-n",
      namespace,
      "--subresource=status",
      "--type=merge",
      "-p",
      '{"status":{"phase":"Executing"}}',
      `--as=${worker}`,
    ]);
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toContain(
      `executions.kontinue.cloud "other" is forbidden: User "${worker}" cannot get resource "executions/status" in ` +
        `API group "kontinue.cloud" in the namespace "${namespace}"`,
    );
    const list = await kubectl.run(["get", "configmaps", "-n", namespace, `--as=${worker}`]);
    expect(list.stderr).toContain(
      `configmaps is forbidden: User "${worker}" cannot list resource "configmaps" in API group "" in the namespace ` +
        `"${namespace}"`,
    );
  });
});
