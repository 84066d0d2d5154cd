// Two controllers on one namespace: only the Lease holder acts; when the leader can no longer reach the
// API (as if its process died), it stops acting within renewDeadline, and the standby takes over once it
// has seen no renewal for the lease duration. A controller that stops hands the Lease back at once.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startController, type RunningController } from "../../controller/index.ts";
import { API_VERSION, FUNCTION_LABEL } from "../../crds/index.ts";
import { ResourceClient, createKubeHttp, type KubeHttp } from "../../runtime/index.ts";
import { testCluster, waitFor, type TestCluster } from "../runtime/runtime-harness.ts";

let cluster: TestCluster;
const running: RunningController[] = [];
// The Lease records whole seconds (leaseDurationSeconds).
const timings = { leaseDurationMs: 2_000, renewDeadlineMs: 1_500, renewPeriodMs: 300, retryPeriodMs: 150 };

beforeAll(async () => {
  cluster = await testCluster("leader");
});
afterAll(async () => {
  await Promise.all(running.map((controller) => controller.stop()));
});

/** A transport that can be cut, as when the controller's process dies or loses the network. */
function cuttable(http: KubeHttp): { http: KubeHttp; cut(): void } {
  let cut = false;
  return {
    http: (request) =>
      cut ? Promise.reject(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })) : http(request),
    cut: () => void (cut = true),
  };
}

async function start(identity: string, http?: KubeHttp): Promise<RunningController> {
  const controller = await startController({
    kubeConfig: cluster.kubeConfig,
    namespace: cluster.namespace,
    log: () => {},
    ...(http === undefined ? {} : { http }),
    leaderElection: { identity, ...timings },
  });
  running.push(controller);
  return controller;
}

const unlabelled = (name: string) =>
  cluster.resources.executions.create(cluster.namespace, {
    apiVersion: API_VERSION,
    kind: "Execution",
    metadata: { name, namespace: cluster.namespace },
    spec: { function: "processOrder" },
  });
const labelled = (name: string) =>
  waitFor(
    `"${name}" to be labelled`,
    () => cluster.resources.executions.get(cluster.namespace, name),
    (e) => e?.metadata.labels?.[FUNCTION_LABEL] !== undefined,
    10_000,
  );

it(
  "only the leader acts; the standby takes over within the lease duration when the leader dies, and a stop hands " +
    "over at once",
  async () => {
    const leases = new ResourceClient<{
      metadata: { name?: string };
      spec?: { holderIdentity?: string; leaseTransitions?: number };
    }>(createKubeHttp(cluster.kubeConfig), "leases", "/apis/coordination.k8s.io/v1");
    const link = cuttable(createKubeHttp(cluster.kubeConfig));
    const first = await start("first", link.http);
    const second = await start("second");
    let overlap = 0;
    const sampler = setInterval(() => (overlap += first.isLeader() && second.isLeader() ? 1 : 0), 10);
    try {
      expect(first.isLeader()).toBe(true);
      expect(second.isLeader()).toBe(false);
      expect((await leases.get(cluster.namespace, "kontinue-controller"))?.spec?.holderIdentity).toBe("first");
      await unlabelled("before");
      await labelled("before");

      link.cut();
      const cutAt = Date.now();
      await waitFor(
        "the standby to lead",
        () => second.isLeader(),
        (leads) => leads,
        10_000,
        10,
      );
      const takeover = Date.now() - cutAt;
      expect(first.isLeader(), "the cut-off leader stopped acting").toBe(false);
      expect(takeover).toBeLessThan(timings.leaseDurationMs + timings.renewPeriodMs + timings.retryPeriodMs + 500);
      const lease = await leases.get(cluster.namespace, "kontinue-controller");
      expect(lease?.spec).toMatchObject({ holderIdentity: "second", leaseTransitions: 1 });
      await unlabelled("after");
      await labelled("after");

      await second.stop();
      const third = await start("third");
      expect(third.isLeader(), "a stopped leader released the Lease").toBe(true);
    } finally {
      clearInterval(sampler);
    }
    expect(overlap, "two controllers never led at once").toBe(0);
  },
);

it("a controller with leader election disabled acts at once, whoever holds the Lease", async () => {
  const solo = await startController({
    kubeConfig: cluster.kubeConfig,
    namespace: cluster.namespace,
    log: () => {},
    leaderElection: "disabled",
  });
  running.push(solo);
  expect(solo.isLeader()).toBe(true);
});
