// The controller turns a Function into its worker identity and one Deployment per live revision, scales
// each on its own Pending + Executing executions, moves un-started executions to a new revision, drains
// an old one, and reports it all in the Function's status and v1 Events. devcluster runs no Pods yet, so
// the tests write Deployment status as a cluster would.
import { afterAll, beforeAll, expect, it } from "vitest";
import { API_VERSION, REVISION_LABEL } from "../../crds/index.ts";
import { Kubectl } from "../fixtures/kubectl.ts";
import { waitFor, type TestCluster } from "../runtime/runtime-harness.ts";
import {
  startWorkloadRig,
  type WorkloadRig,
  applyFunction,
  condition,
  createExecutions,
  eventsAbout,
  pinnedImage,
  reportDeploymentStatus,
  revisionOfDigit,
  setStatus,
  type WorkloadClients,
} from "./workload-harness.ts";

let cluster: TestCluster;
let clients: WorkloadClients;
const lines: string[] = [];
const A = revisionOfDigit("a");
const B = revisionOfDigit("b");

let rig: WorkloadRig | undefined;

beforeAll(async () => {
  rig = await startWorkloadRig("workload", lines);
  ({ cluster, clients } = rig);
});
afterAll(() => rig?.stop());

const getFunction = (name: string) => cluster.resources.functions.get(cluster.namespace, name);
const getDeployment = (name: string) => clients.deployments.get(cluster.namespace, name);

it("gives a Function its worker identity and a Deployment at zero, owned by it, and says it is idle", async () => {
  const fn = await applyFunction(cluster, "orders", {
    scaling: { maxReplicas: 3, targetPendingPerReplica: 2, cooldownSeconds: 1 },
    revisions: { drainGraceSeconds: 1 },
    concurrency: 2,
  });
  const deployment = await waitFor(
    "the Deployment",
    () => getDeployment(`orders-${A}`),
    (d) => d !== undefined,
  );
  expect(deployment!.spec?.replicas).toBe(0);
  expect(deployment!.metadata.ownerReferences).toEqual([
    expect.objectContaining({ kind: "Function", name: "orders", uid: fn.metadata.uid, controller: true }),
  ]);
  expect(deployment!.spec?.template.spec?.containers[0]?.image).toBe(pinnedImage("a"));
  const account = await clients.serviceAccounts.get(cluster.namespace, "kontinue-orders");
  const role = await clients.roles.get(cluster.namespace, "kontinue-orders");
  const binding = await clients.roleBindings.get(cluster.namespace, "kontinue-orders");
  for (const owned of [account, role, binding]) expect(owned?.metadata.ownerReferences?.[0]?.uid).toBe(fn.metadata.uid);
  expect(JSON.stringify(role!.rules)).not.toContain("*");
  const idle = await waitFor(
    "the status",
    () => getFunction("orders"),
    (f) => condition(f, "Scaling")?.reason === "NoExecutions",
  );
  expect(idle!.status).toMatchObject({
    observedGeneration: fn.metadata.generation,
    activeRevision: A,
    desiredReplicas: 0,
    pending: 0,
    liveRevisions: [{ id: A, image: pinnedImage("a"), desiredReplicas: 0 }],
  });
  expect(condition(idle, "Ready")).toMatchObject({ status: "True", reason: "ScaledToZero" });
});

it("pins new executions to the active revision and scales up from the watch event, capped at maxReplicas", async () => {
  const started = Date.now();
  await createExecutions(cluster, "orders", ["o-1"]);
  const first = await waitFor(
    "replicas for the first execution",
    () => getDeployment(`orders-${A}`),
    (d) => (d?.spec?.replicas ?? 0) >= 1,
  );
  const latency = Date.now() - started;
  expect(first!.spec?.replicas).toBe(1);
  expect(latency).toBeLessThan(2_000);
  await createExecutions(cluster, "orders", ["o-2", "o-3", "o-4", "o-5", "o-6", "o-7"]);
  await waitFor(
    "3 replicas",
    () => getDeployment(`orders-${A}`),
    (d) => d?.spec?.replicas === 3,
  );
  const pinned = await waitFor(
    "the revision label",
    async () => (await cluster.resources.executions.list(cluster.namespace)).items,
    (items) => items.every((e) => e.metadata.labels?.[REVISION_LABEL] === A),
  );
  expect(pinned.length).toBe(7);
  const capped = await waitFor(
    "AtMaxReplicas",
    () => getFunction("orders"),
    (f) => condition(f, "Scaling")?.reason === "AtMaxReplicas",
  );
  expect(capped!.status).toMatchObject({ pending: 7, desiredReplicas: 3 });
  expect(condition(capped, "Ready")).toMatchObject({ status: "False", reason: "WorkersStarting" });

  await reportDeploymentStatus(clients, cluster.namespace, `orders-${A}`, 3);
  const ready = await waitFor(
    "Ready",
    () => getFunction("orders"),
    (f) => condition(f, "Ready")?.reason === "WorkersReady",
  );
  expect(ready!.status).toMatchObject({ replicas: 3, readyReplicas: 3 });
  const reasons = (await eventsAbout(clients, cluster.namespace, "orders")).map((e) => e.reason);
  expect(reasons).toEqual(expect.arrayContaining(["RevisionDeployed", "RevisionActivated", "ScaledUp"]));

  const kubectl = new Kubectl(cluster.kubeconfigPath);
  try {
    const table = await kubectl.ok(["get", "kfn", "orders", "-n", cluster.namespace]);
    expect(table.split("\n")[0]!.split(/\s+/)).toEqual([
      "NAME",
      "FUNCTION",
      "READY",
      "REASON",
      "DESIRED",
      "REPLICAS",
      "PENDING",
      "EXECUTING",
      "REVISION",
      "AGE",
    ]);
    expect(table.split("\n")[1]!.split(/\s+/).slice(0, 9)).toEqual([
      "orders",
      "orders",
      "True",
      "WorkersReady",
      "3",
      "3",
      "7",
      "0",
      A,
    ]);
    const described = await kubectl.ok(["describe", "function", "orders", "-n", cluster.namespace]);
    expect(described).toMatch(/Normal\s+ScaledUp\s+.*revision aaaaaaaaaaaaaaaa: \d → 3 replicas/);
  } finally {
    kubectl.dispose();
  }
});

it(
  "on a new image, moves executions that ran no step to the new revision; the old one keeps its own, then " + "drains",
  async () => {
    // Two executions have run a step on revision A and are parked: they stay on A.
    const step = {
      seq: 0,
      kind: "sleep" as const,
      name: "wait",
      status: "waiting" as const,
      startedAt: new Date().toISOString(),
      attempts: 1,
    };
    for (const name of ["o-1", "o-2"]) {
      // Parked as a worker parks: the Suspension first (else the controller repairs a Suspended execution without one).
      const until = new Date(Date.now() + 3_600_000).toISOString();
      await cluster.resources.suspensions.create(cluster.namespace, {
        apiVersion: API_VERSION,
        kind: "Suspension",
        metadata: { name, namespace: cluster.namespace },
        spec: { execution: name, reason: "Sleep", until },
      });
      await setStatus(cluster, name, { phase: "Suspended", attempt: 1, state: { steps: [{ ...step, until }] } });
    }
    const fn = (await getFunction("orders"))!;
    await cluster.resources.functions.mergePatch(cluster.namespace, "orders", { spec: { image: pinnedImage("b") } });
    await waitFor(
      "the new Deployment",
      () => getDeployment(`orders-${B}`),
      (d) => d?.spec?.replicas === 3,
    );
    const moved = await waitFor(
      "the un-started executions to move",
      async () => (await cluster.resources.executions.list(cluster.namespace)).items,
      (items) => items.filter((e) => e.metadata.labels?.[REVISION_LABEL] === B).length === 5,
    );
    expect(
      moved
        .filter((e) => e.metadata.labels?.[REVISION_LABEL] === A)
        .map((e) => e.metadata.name)
        .sort(),
    ).toEqual(["o-1", "o-2"]);
    // The journals are intact: the controller's writes never come from its projected cache alone.
    expect((await cluster.resources.executions.get(cluster.namespace, "o-1"))!.status?.state?.steps).toHaveLength(1);

    const both = await waitFor(
      "A to scale to zero after the cooldown",
      () => getFunction("orders"),
      (f) => f?.status?.liveRevisions?.find((r) => r.id === A)?.desiredReplicas === 0,
    );
    expect(both!.status?.activeRevision).toBe(B);
    expect(both!.status?.liveRevisions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: A, suspended: 2, pending: 0, desiredReplicas: 0 }),
        expect.objectContaining({ id: B, pending: 5, desiredReplicas: 3 }),
      ]),
    );
    expect(both!.status?.suspended).toBe(2);
    expect((await getDeployment(`orders-${A}`))?.spec?.replicas).toBe(0);
    expect(fn.metadata.generation).toBeLessThan(both!.status!.observedGeneration!);

    // The parked ones finish on A (after a resume): A has nothing unfinished and is drained.
    for (const name of ["o-1", "o-2"])
      await setStatus(cluster, name, { phase: "Completed", attempt: 1, result: "done on A" });
    await waitFor(
      "A's Deployment to go",
      () => getDeployment(`orders-${A}`),
      (d) => d === undefined,
      15_000,
    );
    const drained = await waitFor(
      "A to leave the status",
      () => getFunction("orders"),
      (f) => f?.status?.liveRevisions?.length === 1,
    );
    expect(drained!.status?.liveRevisions?.[0]?.id).toBe(B);
    expect((await eventsAbout(clients, cluster.namespace, "orders")).map((e) => e.reason)).toContain("RevisionDrained");
  },
);

it(
  "scales a revision back to zero once nothing is Pending or Executing, after the cooldown, idle Pods " + "first",
  async () => {
    const revisionPods = ["w-busy", "w-idle"];
    for (const pod of revisionPods) {
      await clients.pods.create(cluster.namespace, {
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
          name: pod,
          namespace: cluster.namespace,
          labels: {
            "app.kubernetes.io/managed-by": "kontinue",
            "kontinue.cloud/function": "orders",
            [REVISION_LABEL]: B,
          },
        },
        spec: { containers: [{ name: "worker", image: pinnedImage("b") }] },
      });
    }
    const lease = { holder: "w-busy", pod: "w-busy", expiresAt: new Date(Date.now() + 60_000).toISOString() };
    await setStatus(cluster, "o-3", { phase: "Executing", attempt: 1, lease });
    for (const name of ["o-4", "o-5", "o-6", "o-7"])
      await setStatus(cluster, name, { phase: "Completed", attempt: 1, result: "done" });
    // 1 executing → desire 1 (< 3 replicas): before the scale-down, the busy Pod is marked.
    await waitFor(
      "one replica",
      () => getDeployment(`orders-${B}`),
      (d) => d?.spec?.replicas === 1,
      10_000,
    );
    const busy = await clients.pods.get(cluster.namespace, "w-busy");
    expect(busy!.metadata.annotations?.["controller.kubernetes.io/pod-deletion-cost"]).toBe("1");
    expect(
      (await clients.pods.get(cluster.namespace, "w-idle"))!.metadata.annotations?.[
        "controller.kubernetes.io/pod-deletion-cost"
      ],
    ).toBeUndefined();

    await setStatus(cluster, "o-3", { phase: "Completed", attempt: 1, result: "done" });
    await waitFor(
      "zero replicas",
      () => getDeployment(`orders-${B}`),
      (d) => d?.spec?.replicas === 0,
      10_000,
    );
    const idle = await waitFor(
      "NoExecutions",
      () => getFunction("orders"),
      (f) => condition(f, "Scaling")?.reason === "NoExecutions",
    );
    expect(idle!.status).toMatchObject({ pending: 0, executing: 0, desiredReplicas: 0 });
    const scaled = (await eventsAbout(clients, cluster.namespace, "orders"))
      .filter((e) => e.reason === "ScaledDown")
      .map((e) => e.message);
    expect(scaled).toContain(`revision ${B}: 1 → 0 replicas (0 pending + 0 executing, targetPendingPerReplica 2)`);
  },
);

it("deleting the Function deletes what it owns", async () => {
  await cluster.resources.functions.delete(cluster.namespace, "orders");
  await waitFor(
    "the Deployment to be collected",
    () => getDeployment(`orders-${B}`),
    (d) => d === undefined,
    15_000,
  );
  await waitFor(
    "the Role to be collected",
    () => clients.roles.get(cluster.namespace, "kontinue-orders"),
    (r) => r === undefined,
    15_000,
  );
  expect(lines.filter((line) => line.includes(" warn ")).filter((line) => !line.includes("409"))).toEqual([]);
});
