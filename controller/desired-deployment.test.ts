import { describe, expect, it } from "vitest";
import type { FunctionResource } from "../crds/index.ts";
import { desiredDeployment, TERMINATION_GRACE_SECONDS, WORKER_SHUTDOWN_GRACE_SECONDS } from "./desired-deployment.ts";
import { desiredRole, desiredRoleBinding, desiredServiceAccount, WORKER_RULES } from "./desired-rbac.ts";

const image = `registry.local:5000/fns/process-order@sha256:${"ab".repeat(32)}`;
const fn = (spec: Partial<FunctionResource["spec"]> = {}): FunctionResource => ({
  apiVersion: "kontinue.cloud/v1alpha1",
  kind: "Function",
  metadata: { name: "process-order", namespace: "shop", uid: "uid-1", generation: 3 },
  spec: { image, functionName: "processOrder", concurrency: 4, ...spec },
});
const revision = { id: "abababababababab", image };

describe("desiredDeployment", () => {
  const deployment = desiredDeployment(fn(), revision, 2);
  const pod = deployment.spec!.template.spec!;
  const container = pod.containers[0]!;

  it(
    "is named and labelled after the function and revision, selects its revision's Pods and is owned by the " +
      "Function",
    () => {
      expect(deployment.metadata).toEqual({
        name: "process-order-abababababababab",
        namespace: "shop",
        labels: {
          "app.kubernetes.io/name": "process-order",
          "app.kubernetes.io/managed-by": "kontinue",
          "kontinue.cloud/function": "process-order",
          "kontinue.cloud/revision": "abababababababab",
        },
        ownerReferences: [
          {
            apiVersion: "kontinue.cloud/v1alpha1",
            kind: "Function",
            name: "process-order",
            uid: "uid-1",
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      });
      expect(deployment.spec!.replicas).toBe(2);
      expect(deployment.spec!.selector).toEqual({
        matchLabels: { "kontinue.cloud/function": "process-order", "kontinue.cloud/revision": "abababababababab" },
      });
      expect(deployment.spec!.template.metadata!.labels).toEqual(deployment.metadata!.labels);
    },
  );

  it("runs the image by digest with the worker's environment (the contract the runtime reads)", () => {
    expect(container.image).toBe(image);
    expect(container.env).toEqual([
      { name: "KONTINUE_NAMESPACE", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" } } },
      { name: "POD_NAME", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "metadata.name" } } },
      { name: "KONTINUE_HEALTH_HOST", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "status.podIP" } } },
      { name: "KONTINUE_IMAGE", value: image },
      { name: "KONTINUE_REVISION", value: "abababababababab" },
      { name: "KONTINUE_CONCURRENCY", value: "4" },
      { name: "KONTINUE_METRICS_PORT", value: "8080" },
      { name: "KONTINUE_SHUTDOWN_GRACE_SECONDS", value: String(WORKER_SHUTDOWN_GRACE_SECONDS) },
    ]);
  });

  it("probes /readyz and /healthz, lets a stopping worker hand back its executions, and runs as non-root", () => {
    expect(container.readinessProbe?.httpGet).toMatchObject({ path: "/readyz", port: 8080 });
    expect(container.livenessProbe?.httpGet).toMatchObject({ path: "/healthz", port: 8080 });
    expect(pod.terminationGracePeriodSeconds).toBe(TERMINATION_GRACE_SECONDS);
    expect(TERMINATION_GRACE_SECONDS).toBeGreaterThan(WORKER_SHUTDOWN_GRACE_SECONDS);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532 });
    expect(container.securityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
    expect(pod.serviceAccountName).toBe("kontinue-process-order");
  });

  it(
    "passes the Function's env, resources and serviceAccountName through, without letting env override the " +
      "contract",
    () => {
      const custom = desiredDeployment(
        fn({
          env: [
            { name: "API_URL", value: "https://api" },
            { name: "KONTINUE_REVISION", value: "forged" },
          ],
          resources: { limits: { memory: "256Mi" } },
          serviceAccountName: "orders",
        }),
        revision,
        0,
      );
      const spec = custom.spec!.template.spec!;
      expect(spec.serviceAccountName).toBe("orders");
      expect(spec.containers[0]!.resources).toEqual({ limits: { memory: "256Mi" } });
      const env = spec.containers[0]!.env!;
      expect(env.at(-1)).toEqual({ name: "API_URL", value: "https://api" });
      expect(env.filter((entry) => entry.name === "KONTINUE_REVISION")).toEqual([
        { name: "KONTINUE_REVISION", value: "abababababababab" },
      ]);
    },
  );
});

describe("worker RBAC", () => {
  it("grants named verbs on named resources only: no wildcards", () => {
    for (const rule of WORKER_RULES) {
      expect(rule.verbs).not.toContain("*");
      expect(rule.resources).not.toContain("*");
      expect(rule.apiGroups).not.toContain("*");
    }
    const role = desiredRole(fn());
    expect(role.rules).toEqual([
      { apiGroups: ["kontinue.cloud"], resources: ["executions"], verbs: ["get", "list", "watch", "create", "patch"] },
      { apiGroups: ["kontinue.cloud"], resources: ["executions/status"], verbs: ["get", "update", "patch"] },
      {
        apiGroups: ["kontinue.cloud"],
        resources: ["suspensions"],
        verbs: ["get", "list", "create", "update", "delete"],
      },
      { apiGroups: ["kontinue.cloud"], resources: ["functions"], verbs: ["get", "list", "watch"] },
      { apiGroups: [""], resources: ["events"], verbs: ["create", "patch"] },
    ]);
  });

  it("binds the Role to the Function's ServiceAccount, or to its own one", () => {
    expect(desiredServiceAccount(fn()).metadata).toMatchObject({ name: "kontinue-process-order", namespace: "shop" });
    expect(desiredRoleBinding(fn()).subjects).toEqual([
      { kind: "ServiceAccount", name: "kontinue-process-order", namespace: "shop" },
    ]);
    expect(desiredRoleBinding(fn({ serviceAccountName: "orders" })).subjects).toEqual([
      { kind: "ServiceAccount", name: "orders", namespace: "shop" },
    ]);
    expect(desiredRoleBinding(fn()).roleRef).toEqual({
      apiGroup: "rbac.authorization.k8s.io",
      kind: "Role",
      name: "kontinue-process-order",
    });
  });
});
