// The controller against devcluster: labels Executions created without the function label, and reaps
// expired leases (or leases whose worker's Pod is gone) — back to Pending with the lost attempt counted,
// Failed past retry.maxAttempts.
import { CoreV1Api } from "@kubernetes/client-node";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { RunningController } from "../../controller/index.ts";
import { API_VERSION, FUNCTION_LABEL, type Execution } from "../../crds/index.ts";
import { createFunction, startTestController, testCluster, waitFor, type TestCluster } from "./runtime-harness.ts";

let cluster: TestCluster;
let controller: RunningController;

beforeAll(async () => {
  cluster = await testCluster("controller");
  controller = await startTestController(cluster);
});
afterAll(async () => {
  await controller?.stop();
});

it("labels an Execution applied without the function label (the seed's YAML)", async () => {
  await cluster.resources.executions.create(cluster.namespace, {
    apiVersion: API_VERSION,
    kind: "Execution",
    metadata: { name: "process-order-abc123", namespace: cluster.namespace },
    spec: { function: "processOrder", arguments: { orderId: "12345" } },
  });
  const labelled = await waitFor(
    "the label",
    () => cluster.resources.executions.get(cluster.namespace, "process-order-abc123"),
    (e) => e?.metadata.labels?.[FUNCTION_LABEL] !== undefined,
  );
  expect(labelled!.metadata.labels![FUNCTION_LABEL]).toBe("process-order");
});

it("hands an execution whose lease expired back to Pending, and fails it past retry.maxAttempts", async () => {
  await createFunction(cluster, "fragile", { retry: { maxAttempts: 2 } });
  const created = await cluster.resources.executions.create(cluster.namespace, {
    apiVersion: API_VERSION,
    kind: "Execution",
    metadata: { name: "fragile-1", namespace: cluster.namespace, labels: { [FUNCTION_LABEL]: "fragile" } },
    spec: { function: "fragile", arguments: null },
  });
  const holdBriefly = async (execution: Execution, attempt: number) =>
    cluster.resources.executions.replaceStatus({
      ...execution,
      status: {
        ...execution.status,
        phase: "Executing",
        attempt,
        lease: { holder: "ghost-worker", expiresAt: new Date(Date.now() + 1_000).toISOString(), durationSeconds: 1 },
      },
    });
  const held = await holdBriefly(created, 1);
  // While the lease is live, the controller leaves it alone.
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect((await cluster.resources.executions.get(cluster.namespace, "fragile-1"))?.status?.phase).toBe("Executing");
  const pending = await waitFor(
    "the lease to be reaped",
    () => cluster.resources.executions.get(cluster.namespace, "fragile-1"),
    (e) => e?.status?.phase === "Pending",
  );
  expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(held.status!.lease!.expiresAt));
  expect(pending!.status).toMatchObject({ phase: "Pending", attempt: 1, lostAttempts: 1 });
  expect(pending!.status?.lease).toBeUndefined();

  await holdBriefly(pending!, 2);
  const failed = await waitFor(
    "the execution to fail",
    () => cluster.resources.executions.get(cluster.namespace, "fragile-1"),
    (e) => e?.status?.phase === "Failed",
  );
  expect(failed!.status?.error?.type).toBe("RUNTIME_ATTEMPTS_EXHAUSTED");
  expect(failed!.status?.error?.message).toContain(
    'execution "fragile-1" lost its worker 2 times, the last one "ghost-worker"',
  );
  expect(failed!.status?.error?.message).toContain('function "fragile" allows 2 attempts (retry.maxAttempts)');
});

it("hands back at once an execution whose worker's Pod is gone, long before its lease expires", async () => {
  const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
  await core.createNamespacedPod({
    namespace: cluster.namespace,
    body: { metadata: { name: "worker-pod-1" }, spec: { containers: [{ name: "worker", image: "kontinue-worker" }] } },
  });
  const created = await cluster.resources.executions.create(cluster.namespace, {
    apiVersion: API_VERSION,
    kind: "Execution",
    metadata: { name: "podded-1", namespace: cluster.namespace, labels: { [FUNCTION_LABEL]: "podded" } },
    spec: { function: "podded", arguments: null },
  });
  const expiresAt = new Date(Date.now() + 60_000).toISOString();
  await cluster.resources.executions.replaceStatus({
    ...created,
    status: { phase: "Executing", attempt: 1, lease: { holder: "worker-pod-1", pod: "worker-pod-1", expiresAt } },
  });
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(
    (await cluster.resources.executions.get(cluster.namespace, "podded-1"))?.status?.phase,
    "the Pod exists: the lease is live",
  ).toBe("Executing");
  await core.deleteNamespacedPod({ namespace: cluster.namespace, name: "worker-pod-1", gracePeriodSeconds: 0 });
  const reaped = await waitFor(
    "the execution to be handed back",
    () => cluster.resources.executions.get(cluster.namespace, "podded-1"),
    (e) => e?.status?.phase === "Pending",
    10_000,
  );
  expect(reaped!.status).toMatchObject({ phase: "Pending", lostAttempts: 1 });
  expect(Date.now()).toBeLessThan(Date.parse(expiresAt));
});
