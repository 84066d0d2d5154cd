// The workloads suite's scenarios, run once per runner mode (process.test.ts, docker.test.ts): real images from
// the builder, real Pods from devcluster's node agent, the controller scaling them.
import type { V1Pod } from "@kubernetes/client-node";
import { afterAll, beforeAll, expect, it } from "vitest";
import { REVISION_LABEL, type Execution, type FunctionResource } from "../../crds/index.ts";
import { removeTemporaryDirs } from "../fixtures/temporary-dirs.ts";
import { waitFor as waitForValue } from "../fixtures/wait-for.ts";
import { describeNamespace, waitFor } from "../runtime/runtime-harness.ts";
import type { StepsResult } from "./functions/_steps.ts";
import { startWorkloadsRig, type RunnerMode, type WorkloadsRig } from "./workloads-rig.ts";

const finished = new Set(["Completed", "Failed", "Cancelled"]);
const names = (prefix: string, count: number) => Array.from({ length: count }, (_, n) => `${prefix}-${n}`);
/** 1 + 2 + … + steps: what runSteps returns as its total. */
const totalOf = (steps: number) => (steps * (steps + 1)) / 2;
const ready = (pod: V1Pod) => pod.status?.containerStatuses?.[0]?.ready === true;

export function workloadScenarios(mode: RunnerMode): void {
  let rig: WorkloadsRig;
  let v1: Map<string, FunctionResource>;
  let v2: Map<string, FunctionResource>;

  beforeAll(async () => {
    rig = await startWorkloadsRig(mode, `workloads-${mode}`);
    v1 = await rig.build("v1");
    v2 = await rig.build("v2");
  });
  afterAll(async () => {
    await rig?.stop();
    await removeTemporaryDirs();
  });

  const namespace = () => rig.cluster.namespace;
  const executions = async (fn: string): Promise<Execution[]> =>
    (await rig.cluster.resources.executions.list(namespace(), `kontinue.cloud/function=${fn}`)).items;
  const getFunction = (name: string) => rig.cluster.resources.functions.get(namespace(), name);
  const podsOf = async (fn: string) => (await rig.pods.list(namespace(), `kontinue.cloud/function=${fn}`)).items;
  const samplesOf = (fn: string) => rig.replicas.filter((sample) => sample.deployment.startsWith(`${fn}-`));
  const allFinished = async (fn: string, count: number, timeoutMs: number): Promise<Execution[]> => {
    try {
      return await waitFor(
        `${count} ${fn} executions to finish`,
        () => executions(fn),
        (items) => items.length === count && items.every((e) => finished.has(e.status?.phase ?? "")),
        timeoutMs,
        100,
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${await describeWorkloads(fn)}\n${rig.lines.join("\n")}`);
    }
  };
  /** The Function's status, its Deployments and Pods, then its executions: for failure messages. */
  const describeWorkloads = async (fn: string): Promise<string> => {
    const deployments = (await rig.deployments.list(namespace(), `kontinue.cloud/function=${fn}`)).items.map(
      (d) => `deployment ${d.metadata.name}: replicas ${d.spec?.replicas} ready ${d.status?.readyReplicas ?? 0}`,
    );
    const pods = (await podsOf(fn)).map((pod) => {
      const container = pod.status?.containerStatuses?.[0];
      const state = `ready=${container?.ready} restarts=${container?.restartCount}`;
      return `pod ${pod.metadata.name}: ${pod.status?.phase} ${state}`;
    });
    const status = JSON.stringify((await getFunction(fn))?.status);
    return [`function ${fn}: ${status}`, ...deployments, ...pods, await describeNamespace(rig.cluster)].join("\n");
  };
  const resultOf = (execution: Execution) => execution.status?.result as StepsResult | undefined;

  it("scales a Function at zero with 100 executions by the formula, never past max, and back to zero", async () => {
    const manifest = v1.get("scale-out")!;
    const {
      minReplicas = 0,
      maxReplicas = 0,
      targetPendingPerReplica = 1,
      cooldownSeconds = 0,
    } = manifest.spec.scaling!;
    await rig.deploy(manifest);
    await waitFor(
      "the scale-out Deployment at zero",
      () => samplesOf("scale-out"),
      (s) => s.length > 0,
    );
    expect(samplesOf("scale-out")).toEqual([expect.objectContaining({ replicas: 0 })]);

    const created = performance.now();
    await rig.createExecutions("scale-out", names("burst", 100), { steps: 3, stepMillis: 150 });
    const formula = Math.min(maxReplicas, Math.max(minReplicas, Math.ceil(100 / targetPendingPerReplica)));
    await waitFor(
      `the Deployment at the formula's ${formula} replicas`,
      () => samplesOf("scale-out"),
      (samples) => samples.some((sample) => sample.replicas === formula),
      30_000,
    );
    const done = await allFinished("scale-out", 100, 90_000);
    expect(done.map((e) => [e.status?.phase, resultOf(e)?.total])).toEqual(
      Array.from({ length: 100 }, () => ["Completed", totalOf(3)]),
    );

    await waitFor(
      "the Deployment back at zero",
      () => samplesOf("scale-out"),
      (samples) => samples.at(-1)!.replicas === 0,
      30_000,
    );
    const samples = samplesOf("scale-out");
    expect(Math.max(...samples.map((sample) => sample.replicas))).toBe(formula);
    const atMax = samples.find((sample) => sample.replicas === formula)!;
    const firstDown = samples.find((sample) => sample.at > atMax.at && sample.replicas < formula)!;
    expect(atMax.at - created).toBeLessThan(10_000);
    expect(firstDown.at - atMax.at).toBeGreaterThanOrEqual(cooldownSeconds * 1000);
    await waitFor(
      "the scale-out Pods gone",
      () => podsOf("scale-out"),
      (items) => items.length === 0,
      30_000,
    );
  });

  it("holds minReplicas while idle", async () => {
    const manifest = v1.get("scale-out")!;
    const cooldownSeconds = manifest.spec.scaling!.cooldownSeconds!;
    await rig.deploy(manifest, { scaling: { ...manifest.spec.scaling, minReplicas: 1 } });
    await waitFor(
      "a Ready idle worker",
      () => podsOf("scale-out"),
      (items) => items.some(ready),
      30_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 2 * cooldownSeconds * 1000));
    expect(samplesOf("scale-out").at(-1)!.replicas).toBe(1);
    expect((await podsOf("scale-out")).filter(ready)).toHaveLength(1);
    expect((await getFunction("scale-out"))!.status).toMatchObject({ desiredReplicas: 1, readyReplicas: 1 });
    await rig.deploy(manifest);
  });

  it("replaces a SIGKILLed worker; its executions finish elsewhere long before the lease expires", async () => {
    const manifest = v1.get("worker-crash")!;
    await rig.deploy(manifest);
    const steps = 4;
    await rig.createExecutions("worker-crash", names("crash", 20), { steps, stepMillis: 400 });
    // A Pod that holds executions which already checkpointed a step: the kill lands mid-run.
    const { pod, held } = await waitForValue(
      "a worker holding executions mid-run",
      async () => {
        const live = await executions("worker-crash");
        for (const candidate of (await podsOf("worker-crash")).filter(ready)) {
          const holding = live.filter(
            (e) => e.status?.phase === "Executing" && e.status.lease?.pod === candidate.metadata.name,
          );
          if (holding.length >= 5 && holding.some((e) => (e.status?.state?.steps?.length ?? 0) >= 1))
            return { pod: candidate, held: holding.map((e) => e.metadata.name!) };
        }
        return undefined;
      },
      60_000,
      50,
    );
    const killed = performance.now();
    await rig.killContainer(pod);
    const done = await allFinished("worker-crash", 20, 60_000);
    expect(performance.now() - killed).toBeLessThan(60_000);
    expect(done.map((e) => [e.metadata.name, e.status?.phase, resultOf(e)?.total])).toEqual(
      names("crash", 20)
        .sort()
        .map((name) => [name, "Completed", totalOf(steps)]),
    );
    for (const execution of done.filter((e) => held.includes(e.metadata.name!)))
      expect(execution.status?.attempt ?? 0).toBeGreaterThanOrEqual(2);
    // Every body ran; only a step in flight when the worker died ran again, at most one per held execution.
    const counts = rig.stepLog.counts();
    for (const name of names("crash", 20))
      for (let step = 0; step < steps; step++) expect(counts.get(`${name} ${step}`) ?? 0).toBeGreaterThanOrEqual(1);
    const twice = [...counts].filter(([key, count]) => key.startsWith("crash-") && count > 1);
    for (const [key, count] of twice) {
      expect(count).toBe(2);
      expect(held).toContain(key.split(" ")[0]);
    }
    expect(new Set(twice.map(([key]) => key.split(" ")[0])).size).toBe(twice.length);
    const restarted = await waitFor(
      "the killed worker replaced",
      () => rig.pods.get(namespace(), pod.metadata.name!),
      (live) => live === undefined || (live.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1,
      30_000,
    );
    if (restarted) expect(restarted.status?.containerStatuses?.[0]?.lastState?.terminated?.exitCode).toBe(137);
    expect(rig.lines.join("\n")).not.toContain("lease expired");
  });

  it("finishes parked executions on the old revision after a deploy, new ones on the new, then drains", async () => {
    const old = v1.get("redeploy")!;
    const next = v2.get("redeploy")!;
    expect(next.spec.image).not.toBe(old.spec.image);
    await rig.deploy(old);
    const first = await waitFor(
      "the first revision",
      () => getFunction("redeploy"),
      (f) => !!f?.status?.activeRevision,
    );
    const oldRevision = first!.status!.activeRevision!;
    await rig.createExecutions("redeploy", names("parked", 5), { steps: 1, stepMillis: 50, sleep: "5s" });
    await waitFor(
      "the executions parked",
      () => executions("redeploy"),
      (items) => items.length === 5 && items.every((e) => e.status?.phase === "Suspended"),
      60_000,
    );
    await rig.deploy(next);
    const second = await waitFor(
      "the new revision active",
      () => getFunction("redeploy"),
      (f) => !!f?.status?.activeRevision && f.status.activeRevision !== oldRevision,
    );
    const newRevision = second!.status!.activeRevision!;
    expect((await executions("redeploy")).map((e) => e.status?.phase)).toEqual(Array(5).fill("Suspended"));
    await rig.createExecutions("redeploy", names("fresh", 5), { steps: 1, stepMillis: 50 });
    const done = await allFinished("redeploy", 10, 40_000);
    const outcome = (e: Execution) => [
      e.metadata.name,
      e.status?.phase,
      resultOf(e)?.version,
      e.metadata.labels?.[REVISION_LABEL],
    ];
    expect(done.map(outcome)).toEqual([
      ...names("fresh", 5).map((name) => [name, "Completed", "v2", newRevision]),
      ...names("parked", 5).map((name) => [name, "Completed", "v1", oldRevision]),
    ]);
    await waitFor(
      "the old revision's Deployment removed",
      async () => (await rig.deployments.list(namespace(), `kontinue.cloud/function=redeploy`)).items,
      (items) => items.length === 1 && items[0]!.metadata.labels?.[REVISION_LABEL] === newRevision,
      30_000,
    );
    // The controller writes status last, after removing the Deployment: wait for it rather than read at once.
    const drained = await waitFor(
      "the old revision gone from the Function's live revisions",
      () => getFunction("redeploy"),
      (f) => f?.status?.liveRevisions?.length === 1,
      30_000,
    );
    expect(drained!.status?.liveRevisions?.map((r) => r.id)).toEqual([newRevision]);
  });

  it("keeps a deleted Function's workers until its executions finish, then removes all it owns", async () => {
    const manifest = v1.get("drain-on-delete")!;
    await rig.deploy(manifest);
    await rig.createExecutions("drain-on-delete", names("doomed", 4), { steps: 2, stepMillis: 300, sleep: "3s" });
    await waitFor(
      "the executions started",
      () => executions("drain-on-delete"),
      (items) => items.length === 4 && items.every((e) => (e.status?.state?.steps?.length ?? 0) >= 1),
      60_000,
    );
    await rig.cluster.resources.functions.delete(namespace(), "drain-on-delete");
    const deleting = await getFunction("drain-on-delete");
    expect(deleting?.metadata.deletionTimestamp).toBeDefined();
    expect(deleting?.metadata.finalizers).toContain("kontinue.cloud/drain-executions");
    const done = await allFinished("drain-on-delete", 4, 40_000);
    expect(done.map((e) => [e.status?.phase, resultOf(e)?.total])).toEqual(Array(4).fill(["Completed", totalOf(2)]));
    const draining = (await rig.events.list(namespace())).items.filter(
      (event) => event.involvedObject.name === "drain-on-delete" && event.reason === "Draining",
    );
    expect(draining).toHaveLength(1);
    await waitFor(
      "the Function gone",
      () => getFunction("drain-on-delete"),
      (f) => f === undefined,
      30_000,
    );
    await waitFor(
      "its Deployments, Pods and worker identity collected",
      async () => [
        ...(await rig.deployments.list(namespace(), "kontinue.cloud/function=drain-on-delete")).items,
        ...(await podsOf("drain-on-delete")),
        ...((await rig.roles.get(namespace(), "kontinue-drain-on-delete")) ? ["role"] : []),
      ],
      (left) => left.length === 0,
      30_000,
    );
  });

  it("says a digest is needed when a Function names its image by tag, as build --docker prints it", async () => {
    const built = v1.get("redeploy")!;
    const digest = /@sha256:([a-f0-9]{16})/.exec(built.spec.image)![1];
    const tagged = `redeploy:rev-${digest}`;
    await rig.deploy({ ...built, metadata: { name: "tagged" }, spec: { ...built.spec, image: tagged } });
    const fn = await waitFor(
      "the Ready condition",
      () => getFunction("tagged"),
      (f) => f?.status?.conditions?.some((c) => c.type === "Ready") === true,
    );
    expect(fn!.status?.conditions?.find((c) => c.type === "Ready")).toMatchObject({
      status: "False",
      reason: "InvalidImage",
      message: expect.stringContaining(`spec.image "${tagged}" is not pinned by digest`),
    });
    expect(fn!.status?.conditions?.find((c) => c.type === "Ready")?.message).toContain("--registry");
    expect((await rig.deployments.list(namespace(), "kontinue.cloud/function=tagged")).items).toEqual([]);
  });
}
