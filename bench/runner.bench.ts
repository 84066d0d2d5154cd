// `npx tsx bench/runner.bench.ts`: devcluster's local runner, in process and docker mode — from the
// Deployment's replicas written to its Pod Running and Ready, and from a container's SIGKILL to the
// container restarted and Ready again (restart backoff set to 0 to time the machinery, not the wait).
import * as k8s from "@kubernetes/client-node";
import { rmSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { startDevCluster } from "../devcluster/index.ts";
import { temporaryDataDir } from "../test/fixtures/devcluster-fixture.ts";
import { webDeployment } from "../test/fixtures/devcluster-web-deployment.ts";
import { webImage } from "../test/fixtures/devcluster-web-image.ts";
import { dockerFixture } from "../test/fixtures/services.ts";

const rounds = 5;
const namespace = "default";

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

type PodMoment = (pod: k8s.V1Pod) => boolean;
const running: PodMoment = (pod) => pod.status?.phase === "Running";
const ready: PodMoment = (pod) =>
  pod.status?.conditions?.some((condition) => condition.type === "Ready" && condition.status === "True") ?? false;

/** Resolves with performance.now() at the first watch event whose Pod satisfies `moment`. */
function whenPod(watch: k8s.Watch, selector: string, moment: PodMoment): { done: Promise<number>; stop: () => void } {
  let abort: AbortController | undefined;
  const done = new Promise<number>((resolve, reject) => {
    void watch
      .watch(
        `/api/v1/namespaces/${namespace}/pods`,
        { labelSelector: selector },
        (_type, pod: k8s.V1Pod) => {
          if (moment(pod)) resolve(performance.now());
        },
        (error) => error && reject(error),
      )
      .then((controller) => (abort = controller));
  });
  return { done, stop: () => abort?.abort() };
}

async function measure(mode: "process" | "docker"): Promise<void> {
  const engine = mode === "docker" ? await dockerFixture() : undefined;
  const dataDir = temporaryDataDir();
  const cluster = await startDevCluster({
    dataDir,
    log: () => undefined,
    restartBackoffMillis: 0,
    ...(engine ? { dockerHost: `unix://${engine.socketPath}` } : { runner: "process" as const }),
  });
  try {
    const config = new k8s.KubeConfig();
    config.loadFromFile(cluster.kubeconfigPath);
    const apps = config.makeApiClient(k8s.AppsV1Api);
    const core = config.makeApiClient(k8s.CoreV1Api);
    const watch = new k8s.Watch(config);
    const name = `bench-${mode}`;
    const { reference } = await webImage("bench");
    await apps.createNamespacedDeployment({
      namespace,
      body: webDeployment({ name, image: reference, replicas: 0 }) as k8s.V1Deployment,
    });
    const toRunning: number[] = [];
    const toReady: number[] = [];
    for (let round = 0; round <= rounds; round++) {
      const runningAt = whenPod(watch, `app=${name}`, running);
      const readyAt = whenPod(watch, `app=${name}`, ready);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const written = performance.now();
      await apps.patchNamespacedDeploymentScale({
        namespace,
        name,
        body: [{ op: "replace", path: "/spec/replicas", value: 1 }],
      });
      const [runningTime, readyTime] = await Promise.all([runningAt.done, readyAt.done]);
      runningAt.stop();
      readyAt.stop();
      // Round 0 pulls the image; it is reported on its own.
      if (round === 0)
        console.log(
          `  ${mode}: first Pod (image pull included): Running ${(runningTime - written).toFixed(0)} ms, ` +
            `Ready ${(readyTime - written).toFixed(0)} ms`,
        );
      else {
        toRunning.push(runningTime - written);
        toReady.push(readyTime - written);
      }
      if (round === rounds) break;
      await apps.patchNamespacedDeploymentScale({
        namespace,
        name,
        body: [{ op: "replace", path: "/spec/replicas", value: 0 }],
      });
      while ((await core.listNamespacedPod({ namespace, labelSelector: `app=${name}` })).items.length > 0)
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
    console.log(
      `  ${mode}: replicas written → Pod Running: median ${median(toRunning).toFixed(0)} ms; → Pod Ready: ` +
        `median ${median(toReady).toFixed(0)} ms (${rounds} rounds)`,
    );
    const recoveries: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const [pod] = (await core.listNamespacedPod({ namespace, labelSelector: `app=${name}` })).items;
      const status = pod!.status!.containerStatuses![0]!;
      const restarted = whenPod(
        watch,
        `app=${name}`,
        (candidate) =>
          (candidate.status?.containerStatuses?.[0]?.restartCount ?? 0) > status.restartCount && ready(candidate),
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
      const killed = performance.now();
      if (engine)
        await engine.docker.getContainer(status.containerID!.replace("docker://", "")).kill({ signal: "SIGKILL" });
      else process.kill(Number(status.containerID!.replace("process://", "")), "SIGKILL");
      recoveries.push((await restarted.done) - killed);
      restarted.stop();
    }
    console.log(
      `  ${mode}: SIGKILL of the container → restarted and Ready: median ${median(recoveries).toFixed(0)} ms, ` +
        `max ${Math.max(...recoveries).toFixed(0)} ms (${rounds} kills)`,
    );
  } finally {
    await cluster.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

console.log(
  "devcluster local runner (readiness probe period 1 s; the node probes every 100 ms until the first success)",
);
for (const mode of ["process", "docker"] as const) await measure(mode);
