// What the controller does with input it cannot follow: executions for a function with no Function
// resource, images that are not pinned by digest or cannot be pulled, invalid scaling — conditions and
// Events that say what to do, no Deployment churn, no crash loop. And the rescue of an execution parked
// for non-determinism once a newer revision is deployed.
import { afterAll, beforeAll, expect, it } from "vitest";
import { API_VERSION, RESCUED_FROM_ANNOTATION, REVISION_LABEL } from "../../crds/index.ts";
import { apiStatus } from "../../runtime/index.ts";
import { waitFor, type TestCluster } from "../runtime/runtime-harness.ts";
import {
  startWorkloadRig,
  type WorkloadRig,
  applyFunction,
  condition,
  createExecutions,
  eventsAbout,
  pinnedImage,
  revisionOfDigit,
  setStatus,
  type WorkloadClients,
} from "./workload-harness.ts";

let cluster: TestCluster;
let clients: WorkloadClients;
const lines: string[] = [];

let rig: WorkloadRig | undefined;

beforeAll(async () => {
  rig = await startWorkloadRig("bad-input", lines);
  ({ cluster, clients } = rig);
});
afterAll(() => rig?.stop());

const getFunction = (name: string) => cluster.resources.functions.get(cluster.namespace, name);
const settle = () => new Promise((resolve) => setTimeout(resolve, 500));

it(
  "an execution for a function with no Function resource stays Pending, says so once, and starts when it " + "appears",
  async () => {
    await createExecutions(cluster, "ghost", ["ghost-1"]);
    const events = await waitFor(
      "FunctionNotFound",
      () => eventsAbout(clients, cluster.namespace, "ghost-1"),
      (found) => found.length > 0,
    );
    expect(events[0]).toMatchObject({
      type: "Warning",
      reason: "FunctionNotFound",
      involvedObject: { kind: "Execution", name: "ghost-1" },
    });
    expect(events[0]!.message).toBe(
      `function "ghost" has no Function resource "ghost" in namespace "${cluster.namespace}"; the execution stays ` +
        `Pending until one is applied (e.g. "kontinue deploy")`,
    );
    // More changes to the execution do not repeat the Event.
    await cluster.resources.executions.mergePatch(cluster.namespace, "ghost-1", {
      metadata: { annotations: { touched: "yes" } },
    });
    await settle();
    expect(await eventsAbout(clients, cluster.namespace, "ghost-1")).toHaveLength(1);
    expect((await cluster.resources.executions.get(cluster.namespace, "ghost-1"))!.status?.phase ?? "Pending").toBe(
      "Pending",
    );

    await applyFunction(cluster, "ghost", { image: pinnedImage("c", "127.0.0.1:5000/kontinue-test/ghost") });
    await waitFor(
      "a worker for it",
      () => clients.deployments.get(cluster.namespace, `ghost-${revisionOfDigit("c")}`),
      (d) => d?.spec?.replicas === 1,
    );
    const pinned = await cluster.resources.executions.get(cluster.namespace, "ghost-1");
    expect(pinned!.metadata.labels?.[REVISION_LABEL]).toBe(revisionOfDigit("c"));
  },
);

it(
  "a Function whose image is not pinned by digest gets no Deployment, a False Ready condition and a " + "Warning",
  async () => {
    await applyFunction(cluster, "tagged", { image: "ghcr.io/acme/tagged:latest" });
    const fn = await waitFor(
      "InvalidImage",
      () => getFunction("tagged"),
      (f) => condition(f, "Ready")?.reason === "InvalidImage",
    );
    expect(condition(fn, "Ready")!.message).toContain(
      'spec.image "ghcr.io/acme/tagged:latest" is not pinned by digest',
    );
    expect(condition(fn, "Scaling")).toMatchObject({ status: "False", reason: "InvalidImage" });
    const events = await waitFor(
      "the Warning",
      () => eventsAbout(clients, cluster.namespace, "tagged"),
      (found) => found.some((e) => e.reason === "InvalidImage"),
    );
    expect(events.filter((e) => e.reason === "InvalidImage")).toHaveLength(1);
    expect(events.find((e) => e.reason === "InvalidImage")!.type).toBe("Warning");
    const deployments = (await clients.deployments.list(cluster.namespace)).items.filter(
      (d) => d.metadata.labels?.["kontinue.cloud/function"] === "tagged",
    );
    expect(deployments).toEqual([]);
  },
);

it("a Function naming a source image gets no Deployment, and says its workers run from source", async () => {
  await applyFunction(cluster, "dev-fn", { image: `source:sha256:${"1".repeat(64)}` });
  await createExecutions(cluster, "dev-fn", ["dev-1"]);
  const fn = await waitFor(
    "SourceImage",
    () => getFunction("dev-fn"),
    (f) => condition(f, "Ready")?.reason === "SourceImage",
  );
  expect(condition(fn, "Ready")!.message).toContain(
    'names sources, not an image (workers run from source with "kontinue worker")',
  );
  await settle();
  const execution = await cluster.resources.executions.get(cluster.namespace, "dev-1");
  expect(execution!.metadata.labels?.[REVISION_LABEL]).toBeUndefined();
  expect(
    (await clients.deployments.list(cluster.namespace)).items.filter(
      (d) => d.metadata.labels?.["kontinue.cloud/function"] === "dev-fn",
    ),
  ).toEqual([]);
});

it(
  "invalid scaling: min > max is reported and replicas are left alone; negative values are refused by the " + "API",
  async () => {
    await applyFunction(cluster, "lopsided", {
      image: pinnedImage("d", "127.0.0.1:5000/kontinue-test/lopsided"),
      scaling: { minReplicas: 3, maxReplicas: 1 },
    });
    await createExecutions(cluster, "lopsided", ["lop-1"]);
    const fn = await waitFor(
      "InvalidScaling",
      () => getFunction("lopsided"),
      (f) => condition(f, "Scaling")?.reason === "InvalidScaling",
    );
    expect(condition(fn, "Scaling")!.message).toBe(
      "spec.scaling.minReplicas (3) is greater than maxReplicas (1); lower minReplicas or raise maxReplicas; " +
        "replicas " +
        "are left as they are",
    );
    expect((await clients.deployments.get(cluster.namespace, `lopsided-${revisionOfDigit("d")}`))!.spec?.replicas).toBe(
      0,
    );
    expect(
      (await eventsAbout(clients, cluster.namespace, "lopsided")).filter((e) => e.reason === "InvalidScaling"),
    ).toHaveLength(1);

    const refused = await applyFunction(cluster, "negative", { scaling: { maxReplicas: -1 } }).catch(
      (error: unknown) => error,
    );
    expect(apiStatus(refused)).toBe(422);

    await cluster.resources.functions.mergePatch(cluster.namespace, "lopsided", {
      spec: { scaling: { minReplicas: 0 } },
    });
    await waitFor(
      "the fix to take",
      () => clients.deployments.get(cluster.namespace, `lopsided-${revisionOfDigit("d")}`),
      (d) => d?.spec?.replicas === 1,
    );
  },
);

it("a Pod that cannot pull its image turns Ready False with ImageNotPullable", async () => {
  const revision = revisionOfDigit("c");
  const pod = await clients.pods.create(cluster.namespace, {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: "ghost-pull",
      namespace: cluster.namespace,
      labels: {
        "app.kubernetes.io/managed-by": "kontinue",
        "kontinue.cloud/function": "ghost",
        [REVISION_LABEL]: revision,
      },
    },
    // On a node no agent runs: only this test writes the Pod's status.
    spec: {
      nodeName: "elsewhere",
      containers: [{ name: "worker", image: pinnedImage("c", "127.0.0.1:5000/kontinue-test/ghost") }],
    },
  });
  await clients.pods.replaceStatus({
    ...pod,
    status: {
      phase: "Pending",
      containerStatuses: [
        {
          name: "worker",
          image: pinnedImage("c", "127.0.0.1:5000/kontinue-test/ghost"),
          imageID: "",
          ready: false,
          restartCount: 0,
          state: { waiting: { reason: "ErrImagePull", message: "manifest unknown" } },
        },
      ],
    },
  });
  const fn = await waitFor(
    "ImageNotPullable",
    () => getFunction("ghost"),
    (f) => condition(f, "Ready")?.reason === "ImageNotPullable",
  );
  expect(condition(fn, "Ready")!.message).toContain('Pod "ghost-pull" cannot pull image');
  expect(condition(fn, "Ready")!.message).toContain("manifest unknown");
  await waitFor(
    "the Warning",
    () => eventsAbout(clients, cluster.namespace, "ghost"),
    (found) => found.some((e) => e.reason === "ImageNotPullable" && e.type === "Warning"),
  );
});

it(
  "rescues an execution parked for non-determinism by moving it to the newer revision, and marks where it came " +
    "from",
  async () => {
    const oldImage = pinnedImage("e", "127.0.0.1:5000/kontinue-test/flaky");
    await applyFunction(cluster, "flaky", { image: oldImage });
    const [execution] = await createExecutions(cluster, "flaky", ["flaky-1"], {
      [REVISION_LABEL]: revisionOfDigit("e"),
    });
    const step = {
      seq: 0,
      kind: "store" as const,
      name: "a",
      status: "completed" as const,
      startedAt: new Date().toISOString(),
      attempts: 1,
      value: 1,
    };
    await setStatus(cluster, "flaky-1", {
      phase: "Suspended",
      attempt: 1,
      observedImage: oldImage,
      state: { steps: [step] },
    });
    await cluster.resources.suspensions.create(cluster.namespace, {
      apiVersion: API_VERSION,
      kind: "Suspension",
      metadata: {
        name: "flaky-1",
        namespace: cluster.namespace,
        ownerReferences: [
          { apiVersion: API_VERSION, kind: "Execution", name: "flaky-1", uid: execution!.metadata.uid! },
        ],
      },
      spec: { execution: "flaky-1", reason: "NonDeterminism", image: oldImage },
    });
    await settle();
    expect(
      (await cluster.resources.executions.get(cluster.namespace, "flaky-1"))!.metadata.labels?.[REVISION_LABEL],
      "the same revision cannot rescue it",
    ).toBe(revisionOfDigit("e"));

    await cluster.resources.functions.mergePatch(cluster.namespace, "flaky", {
      spec: { image: pinnedImage("f", "127.0.0.1:5000/kontinue-test/flaky") },
    });
    const rescued = await waitFor(
      "the rescue",
      () => cluster.resources.executions.get(cluster.namespace, "flaky-1"),
      (e) => e?.metadata.labels?.[REVISION_LABEL] === revisionOfDigit("f"),
    );
    expect(rescued!.metadata.annotations?.[RESCUED_FROM_ANNOTATION]).toBe(revisionOfDigit("e"));
    expect(rescued!.status?.state?.steps).toHaveLength(1);
  },
);

it("logged no failures while doing all that", () => {
  expect(lines.filter((line) => line.includes(" warn ") && !line.includes("409"))).toEqual([]);
});
