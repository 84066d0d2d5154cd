// The controller's Execution cache holds projections: an informer with `transform` keeps no arguments,
// journal, result or error, through the first list and every later watch event; and a status write made
// from a projection keeps what the projection left out.
import { afterAll, beforeAll, expect, it } from "vitest";
import { HydratingExecutionClient, projectExecution } from "../../controller/index.ts";
import type { Execution } from "../../crds/index.ts";
import { apiStatus, createKubeHttp, createResourceInformer, type ResourceInformer } from "../../runtime/index.ts";
import { testCluster, waitFor, type TestCluster } from "../runtime/runtime-harness.ts";
import { createExecutions, setStatus } from "./workload-harness.ts";

let cluster: TestCluster;
let informer: ResourceInformer<Execution>;
const seen: Execution[] = [];

beforeAll(async () => {
  cluster = await testCluster("projected");
  await createExecutions(cluster, "journalled", ["listed"]);
  informer = createResourceInformer<Execution>({
    kubeConfig: cluster.kubeConfig,
    client: cluster.resources.executions,
    namespace: cluster.namespace,
    transform: projectExecution,
    onChange: (execution) => seen.push(execution),
  });
  await informer.start();
});
afterAll(async () => {
  await informer?.stop();
});

const step = {
  seq: 0,
  kind: "store" as const,
  name: "fetch",
  status: "completed" as const,
  startedAt: new Date().toISOString(),
  attempts: 1,
  value: { big: "y".repeat(2_000) },
};

it(
  "keeps projections from the first list and from watch events, and hands the callbacks the same " + "objects",
  async () => {
    expect(informer.get(cluster.namespace, "listed")).toMatchObject({
      spec: { function: "journalled" },
      journalSteps: 0,
    });
    expect(informer.get(cluster.namespace, "listed")!.spec).not.toHaveProperty("arguments");

    await createExecutions(cluster, "journalled", ["watched"]);
    await setStatus(cluster, "watched", {
      phase: "Completed",
      attempt: 1,
      state: { steps: [step] },
      result: { total: 42 },
    });
    const cached = await waitFor(
      "the update in the cache",
      () => informer.get(cluster.namespace, "watched"),
      (e) => e?.status?.phase === "Completed",
    );
    expect(cached!.status).toEqual({ phase: "Completed", attempt: 1 });
    expect((cached as Execution & { journalSteps: number }).journalSteps).toBe(1);
    expect(cached!.spec).toEqual({ function: "journalled" });
    expect(
      seen.every((execution) => execution.status?.state === undefined && execution.spec.arguments === undefined),
    ).toBe(true);
    expect(seen.at(-1)).toBe(cached);
  },
);

it("a status write from a projection keeps the stored journal and result, and a stale one conflicts", async () => {
  const client = new HydratingExecutionClient(createKubeHttp(cluster.kubeConfig));
  await createExecutions(cluster, "journalled", ["parked"]);
  await setStatus(cluster, "parked", { phase: "Suspended", attempt: 1, state: { steps: [step] } });
  const cached = await waitFor(
    "the park in the cache",
    () => informer.get(cluster.namespace, "parked"),
    (e) => e?.status?.phase === "Suspended",
  );
  await client.replaceStatus({ ...cached!, status: { ...cached!.status, phase: "Pending" } });
  const stored = await cluster.resources.executions.get(cluster.namespace, "parked");
  expect(stored!.status).toMatchObject({
    phase: "Pending",
    attempt: 1,
    state: { steps: [{ name: "fetch", value: { big: "y".repeat(2_000) } }] },
  });
  const stale = await client
    .replaceStatus({ ...cached!, status: { phase: "Failed" } })
    .catch((error: unknown) => error);
  expect(apiStatus(stale)).toBe(409);
});
