// A dead worker's executions are handed back at once, long before their leases expire: when its Pod's
// container has terminated, or has restarted since the lease was taken.
import { CoreV1Api, type V1ContainerStatus } from "@kubernetes/client-node";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { RunningController } from "../../controller/index.ts";
import {
  executionBody,
  startTestController,
  testCluster,
  waitFor,
  type TestCluster,
} from "../runtime/runtime-harness.ts";

let cluster: TestCluster;
let controller: RunningController;
let core: CoreV1Api;
beforeAll(async () => {
  cluster = await testCluster("dead-worker");
  core = cluster.kubeConfig.makeApiClient(CoreV1Api);
  controller = await startTestController(cluster);
});
afterAll(async () => {
  await controller?.stop();
});

async function workerPod(name: string): Promise<void> {
  await core.createNamespacedPod({
    namespace: cluster.namespace,
    // Bound to a node no agent runs, so only this test writes the Pod's status (devcluster's node agent would
    // otherwise pull the image and race these writes).
    body: {
      metadata: { name },
      spec: { nodeName: "elsewhere", containers: [{ name: "worker", image: "kontinue-worker" }] },
    },
  });
  await setContainer(name, {
    name: "worker",
    image: "kontinue-worker",
    imageID: "",
    ready: true,
    restartCount: 0,
    state: { running: { startedAt: new Date() } },
  });
}

async function setContainer(pod: string, status: V1ContainerStatus): Promise<void> {
  const current = await core.readNamespacedPod({ namespace: cluster.namespace, name: pod });
  await core.replaceNamespacedPodStatus({
    namespace: cluster.namespace,
    name: pod,
    body: { ...current, status: { ...current.status, phase: "Running", containerStatuses: [status] } },
  });
}

async function heldBy(name: string, pod: string): Promise<string> {
  const created = await cluster.resources.executions.create(
    cluster.namespace,
    executionBody(cluster.namespace, name, "worked", null),
  );
  const expiresAt = new Date(Date.now() + 120_000).toISOString();
  await cluster.resources.executions.replaceStatus({
    ...created,
    status: { phase: "Executing", attempt: 1, lease: { holder: pod, pod, expiresAt } },
  });
  return expiresAt;
}

const phaseOf = async (name: string) =>
  (await cluster.resources.executions.get(cluster.namespace, name))?.status?.phase;

it("hands back at once the executions of a worker whose container restarted since it took them", async () => {
  await workerPod("restarting-pod");
  const expiresAt = await heldBy("held-restart", "restarting-pod");
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(await phaseOf("held-restart"), "the container runs: the lease is live").toBe("Executing");
  await setContainer("restarting-pod", {
    name: "worker",
    image: "kontinue-worker",
    imageID: "",
    ready: true,
    restartCount: 1,
    state: { running: { startedAt: new Date() } },
  });
  await waitFor(
    "the hand-back",
    () => phaseOf("held-restart"),
    (phase) => phase === "Pending",
    10_000,
  );
  expect(Date.now()).toBeLessThan(Date.parse(expiresAt));
});

it("hands back at once the executions of a worker whose container terminated", async () => {
  await workerPod("crashed-pod");
  await heldBy("held-crash", "crashed-pod");
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(await phaseOf("held-crash")).toBe("Executing");
  await setContainer("crashed-pod", {
    name: "worker",
    image: "kontinue-worker",
    imageID: "",
    ready: false,
    restartCount: 0,
    state: { terminated: { exitCode: 137, reason: "Error", startedAt: new Date(), finishedAt: new Date() } },
  });
  await waitFor(
    "the hand-back",
    () => phaseOf("held-crash"),
    (phase) => phase === "Pending",
    10_000,
  );
});
