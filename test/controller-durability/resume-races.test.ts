// The resume/re-park race and its neighbours, with the interleavings injected between the suspension
// reconciler's own API calls (real devcluster objects, the reconciler called directly with caches the
// test controls): a Suspension written by a later park is never deleted, a stale cached Suspension never
// resumes early, a Suspended execution without a Suspension is repaired, a parked execution past its
// timeout fails and cancels its children, and a finished execution's children are cancelled though its
// worker died before it could.
import { beforeAll, expect, it } from "vitest";
import { cancelReconciler, suspensionReconciler, type Lister } from "../../controller/index.ts";
import { API_VERSION, PLURALS, type Execution, type FunctionResource, type Suspension } from "../../crds/index.ts";
import {
  ManualClock,
  ResourceClient,
  createKubeHttp,
  kontinueResources,
  type KontinueResources,
} from "../../runtime/index.ts";
import { createFunction, executionBody, testCluster, type TestCluster } from "../runtime/runtime-harness.ts";

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await testCluster("resume-races");
});

const clock = new ManualClock(Date.parse("2026-06-01T12:00:00Z"));
const past = "2026-06-01T11:59:00.000Z";
const future = "2026-06-01T13:00:00.000Z";

/**
 * An executions client that runs `interleave` right after each status write it makes, before the reconciler goes on.
 */
class InterleavedExecutions extends ResourceClient<Execution> {
  interleave: (() => Promise<void>) | undefined;
  override async replaceStatus(body: Execution): Promise<Execution> {
    const written = await super.replaceStatus(body);
    const next = this.interleave;
    this.interleave = undefined;
    await next?.();
    return written;
  }
}

function cache<T extends { metadata: { namespace?: string; name?: string } }>(items: T[]): Lister<T> {
  return { get: (ns, n) => items.find((i) => i.metadata.namespace === ns && i.metadata.name === n), list: () => items };
}

async function rig(): Promise<{ resources: KontinueResources; executions: InterleavedExecutions }> {
  const http = createKubeHttp(cluster.kubeConfig);
  const executions = new InterleavedExecutions(http, PLURALS.executions);
  return { resources: { ...kontinueResources(http), executions }, executions };
}

async function parked(
  name: string,
  until: string,
  extra: Partial<Execution["status"]> = {},
): Promise<{ execution: Execution; suspension: Suspension }> {
  const created = await cluster.resources.executions.create(
    cluster.namespace,
    executionBody(cluster.namespace, name, "parker", null),
  );
  const suspension = await cluster.resources.suspensions.create(cluster.namespace, suspensionBody(created, until));
  const execution = await cluster.resources.executions.replaceStatus({
    ...created,
    status: { phase: "Suspended", attempt: 1, ...extra },
  });
  return { execution, suspension };
}

function suspensionBody(execution: Execution, until: string): Suspension {
  return {
    apiVersion: API_VERSION,
    kind: "Suspension",
    metadata: {
      name: execution.metadata.name,
      namespace: cluster.namespace,
      ownerReferences: [
        {
          apiVersion: API_VERSION,
          kind: "Execution",
          name: execution.metadata.name!,
          uid: execution.metadata.uid!,
          controller: true,
        },
      ],
    },
    spec: { execution: execution.metadata.name!, reason: "Sleep", until },
  };
}

const reconcilerFor = (
  resources: KontinueResources,
  executions: Execution[],
  suspensions: Suspension[],
  functions: FunctionResource[] = [],
) =>
  suspensionReconciler({
    executions: cache(executions),
    suspensions: cache(suspensions),
    functions: cache(functions),
    resources,
    clock,
  });

it("a park that lands between the resume's status write and its delete keeps its Suspension", async () => {
  const { resources, executions } = await rig();
  const { execution, suspension } = await parked("repark", past);
  executions.interleave = async () => {
    // A worker claims it at once, runs, and parks again: the Suspension is rewritten (same name and uid), then the
    // phase.
    const pending = (await cluster.resources.executions.get(cluster.namespace, "repark"))!;
    const claimed = await cluster.resources.executions.replaceStatus({
      ...pending,
      status: { ...pending.status, phase: "Executing", attempt: 2 },
    });
    const current = (await cluster.resources.suspensions.get(cluster.namespace, "repark"))!;
    await cluster.resources.suspensions.replace({ ...current, spec: { ...current.spec, until: future } });
    await cluster.resources.executions.replaceStatus({ ...claimed, status: { ...claimed.status, phase: "Suspended" } });
  };
  await reconcilerFor(resources, [execution], [suspension])(`${cluster.namespace}/repark`);
  const after = await cluster.resources.suspensions.get(cluster.namespace, "repark");
  expect(after?.spec.until, "the later park's Suspension is still there").toBe(future);
  expect((await cluster.resources.executions.get(cluster.namespace, "repark"))?.status?.phase).toBe("Suspended");
});

it("a stale cached Suspension that is due does not resume an execution whose current Suspension is not", async () => {
  const { resources } = await rig();
  const { execution, suspension } = await parked("stale", future);
  const staleCopy: Suspension = { ...suspension, spec: { ...suspension.spec, until: past } };
  const result = await reconcilerFor(resources, [execution], [staleCopy])(`${cluster.namespace}/stale`);
  expect((await cluster.resources.executions.get(cluster.namespace, "stale"))?.status?.phase).toBe("Suspended");
  expect(result.requeueAfter).toBe(Date.parse(future) - clock.now());
});

it("resumes a due execution and deletes the Suspension it decided on", async () => {
  const { resources } = await rig();
  const { execution, suspension } = await parked("due", past);
  await reconcilerFor(resources, [execution], [suspension])(`${cluster.namespace}/due`);
  expect((await cluster.resources.executions.get(cluster.namespace, "due"))?.status?.phase).toBe("Pending");
  expect(await cluster.resources.suspensions.get(cluster.namespace, "due")).toBeUndefined();
});

it(
  "repairs a Suspended execution that has no Suspension: back to Pending, so a worker replays and parks it " + "again",
  async () => {
    const { resources } = await rig();
    const { execution } = await parked("lost", future);
    await cluster.resources.suspensions.delete(cluster.namespace, "lost");
    const repaired: string[] = [];
    await suspensionReconciler({
      executions: cache([execution]),
      suspensions: cache<Suspension>([]),
      functions: cache<FunctionResource>([]),
      resources,
      clock,
      onRepair: (e) => repaired.push(e.metadata.name!),
    })(`${cluster.namespace}/lost`);
    expect((await cluster.resources.executions.get(cluster.namespace, "lost"))?.status?.phase).toBe("Pending");
    expect(repaired).toEqual(["lost"]);
  },
);

it("leaves a Suspended execution alone when its Suspension exists but is not in the cache yet", async () => {
  const { resources } = await rig();
  const { execution } = await parked("cache-lag", future);
  await reconcilerFor(resources, [execution], [])(`${cluster.namespace}/cache-lag`);
  expect((await cluster.resources.executions.get(cluster.namespace, "cache-lag"))?.status?.phase).toBe("Suspended");
});

it("does not repair an execution resumed between the read and the repair (its write is guarded)", async () => {
  const { resources } = await rig();
  const { execution } = await parked("resumed-meanwhile", future);
  // The controller's view: Suspended, no Suspension; meanwhile it was resumed (Pending) and its Suspension deleted.
  await cluster.resources.executions.replaceStatus({ ...execution, status: { ...execution.status, phase: "Pending" } });
  await cluster.resources.suspensions.delete(cluster.namespace, "resumed-meanwhile");
  await expect(
    reconcilerFor(resources, [execution], [])(`${cluster.namespace}/resumed-meanwhile`),
  ).rejects.toMatchObject({ status: 409 });
});

it("fails a parked execution past its timeoutSeconds, after asking its unfinished children to cancel", async () => {
  const { resources } = await rig();
  await createFunction(cluster, "parker", { timeoutSeconds: 60 });
  const fn = (await cluster.resources.functions.get(cluster.namespace, "parker"))!;
  const child = await cluster.resources.executions.create(
    cluster.namespace,
    executionBody(cluster.namespace, "slow-child", "parker", null),
  );
  const steps = [
    {
      seq: 0,
      kind: "execute" as const,
      name: "child",
      status: "waiting" as const,
      startedAt: past,
      attempts: 1,
      child: child.metadata.name!,
    },
  ];
  const startedAt = new Date(clock.now() - 61_000).toISOString();
  const { execution, suspension } = await parked("overdue", future, { startedAt, state: { steps } });
  await reconcilerFor(resources, [execution, child], [suspension], [fn])(`${cluster.namespace}/overdue`);
  const failed = await cluster.resources.executions.get(cluster.namespace, "overdue");
  expect(failed?.status).toMatchObject({
    phase: "Failed",
    error: { type: "RUNTIME_EXECUTION_TIMEOUT" },
    completedAt: new Date(clock.now()).toISOString(),
  });
  expect(failed?.status?.error?.message).toContain('execution "overdue" ran past its timeout of 60s');
  expect((await cluster.resources.executions.get(cluster.namespace, "slow-child"))?.spec.cancelRequested).toBe(true);

  const { execution: early, suspension: earlySuspension } = await parked("not-yet", future, {
    startedAt: new Date(clock.now() - 30_000).toISOString(),
  });
  const result = await reconcilerFor(resources, [early], [earlySuspension], [fn])(`${cluster.namespace}/not-yet`);
  expect(result.requeueAfter, "looks again at the deadline, before the sleep's end").toBe(30_000);
});

it("asks a completed execution's waited-for children to cancel when its worker died before it did", async () => {
  const { resources } = await rig();
  const child = (name: string) =>
    cluster.resources.executions.create(cluster.namespace, executionBody(cluster.namespace, name, "parker", null));
  const [loser, abandoned] = [await child("race-loser"), await child("race-abandoned")];
  const steps = [
    {
      seq: 0,
      kind: "execute" as const,
      name: "loser",
      status: "running" as const,
      startedAt: past,
      attempts: 1,
      child: loser.metadata.name!,
    },
    {
      seq: 1,
      kind: "execute" as const,
      name: "kept",
      status: "waiting" as const,
      startedAt: past,
      attempts: 1,
      child: abandoned.metadata.name!,
      parentClose: "abandon" as const,
    },
  ];
  const created = await cluster.resources.executions.create(
    cluster.namespace,
    executionBody(cluster.namespace, "race-winner", "parker", null),
  );
  const completed = await cluster.resources.executions.replaceStatus({
    ...created,
    status: { phase: "Completed", attempt: 1, result: 1, state: { steps } },
  });
  await cancelReconciler({ executions: cache([completed, loser, abandoned]), resources, clock })(
    `${cluster.namespace}/race-winner`,
  );
  expect((await cluster.resources.executions.get(cluster.namespace, "race-loser"))?.spec.cancelRequested).toBe(true);
  expect(
    (await cluster.resources.executions.get(cluster.namespace, "race-abandoned"))?.spec.cancelRequested,
  ).toBeUndefined();
  expect((await cluster.resources.executions.get(cluster.namespace, "race-winner"))?.status?.phase).toBe("Completed");
});
