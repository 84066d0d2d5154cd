// `npm run bench:chaos`: 500 executions × 5 checkpointed steps (Promise.all pairs), a parked sleep and a child
// each, on 3 `kontinue worker` processes; one worker SIGKILLed every 2 s and restarted, devcluster restarted once
// and the controller restarted once mid-run. Prints completed, failed, checkpointed steps that ran again (only a
// step in flight at a kill may), results equal to an uninterrupted run's, time to drain, and the slowest recovery.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { CoreV1Api } from "@kubernetes/client-node";
import { API_VERSION, FUNCTION_LABEL, type Execution } from "../crds/index.ts";
import { createKubeHttp, kontinueResources } from "../runtime/index.ts";
import { applyCrds, loadKubeConfig, serveDevCluster, temporaryDataDir } from "../test/fixtures/devcluster-fixture.ts";

const executions = Number(process.env.CHAOS_EXECUTIONS ?? 500);
const workerCount = 3;
const killEveryMs = 2_000;
const repository = new URL("..", import.meta.url).pathname;
const dataDir = temporaryDataDir();
const log = join(dataDir, "steps.log");
writeFileSync(log, "");

const expectedResult = (i: number) => ({ i, total: i + 2 * i + 3 * i + (3 * i + 1) + (3 * i + 2) + i * 7 });

let cluster = await serveDevCluster({ dataDir });
const port = cluster.port;
const kubeconfigPath = cluster.kubeconfigPath;
await applyCrds(kubeconfigPath);
const kubeConfig = loadKubeConfig(kubeconfigPath);
const namespace = "chaos";
await kubeConfig.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
const http = createKubeHttp(kubeConfig);
const resources = kontinueResources(http);
await resources.functions.create(namespace, {
  apiVersion: API_VERSION,
  kind: "Function",
  metadata: { name: "chaos-flow", namespace },
  spec: { image: "source", functionName: "chaosFlow", retry: { maxAttempts: 50 } },
});

const kontinue = (args: string[], env: Record<string, string> = {}): ChildProcess =>
  spawn(
    process.execPath,
    [join(repository, "bin/kontinue.js"), ...args, "--kubeconfig", kubeconfigPath, "-n", namespace],
    { cwd: repository, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "ignore"] },
  );

// Each worker has a Pod object named after it (what a kubelet would show); a killed worker's Pod is deleted, as
// its ReplicaSet would replace it, so the controller hands its executions back without waiting for the lease.
const pods = `/api/v1/namespaces/${namespace}/pods`;
const killed = new Set<number>();
let generation = 0;
interface ChaosWorker {
  child: ChildProcess;
  pod: string;
  /** Set once the worker has listed its executions and claims (it prints that it runs the function). */
  ready: boolean;
}
const startWorker = async (): Promise<ChaosWorker> => {
  const pod = `chaos-worker-${generation++}`;
  await http({
    method: "POST",
    path: pods,
    body: {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: pod, namespace },
      spec: { nodeName: "chaos-bench", containers: [{ name: "worker", image: "chaos" }] },
    },
  });
  const child = kontinue(
    ["worker", "bench/functions/chaosFlow.ts", "--concurrency", "40", "--lease-seconds", "10", "--grace", "1"],
    { CHAOS_LOG: log, POD_NAME: pod },
  );
  const worker: ChaosWorker = { child, pod, ready: false };
  child.stdout!.on("data", (chunk: Buffer) => {
    if (chunk.toString().includes("runs function")) worker.ready = true;
  });
  return worker;
};
const workers = await Promise.all(Array.from({ length: workerCount }, startWorker));
let controller = kontinue(["controller"]);

const t0 = performance.now();
await Promise.all(
  Array.from({ length: executions }, (_, i) =>
    resources.executions.create(namespace, {
      apiVersion: API_VERSION,
      kind: "Execution",
      metadata: { name: `chaos-${i}`, namespace, labels: { [FUNCTION_LABEL]: "chaos-flow" } },
      spec: { function: "chaosFlow", arguments: { i } },
    }),
  ),
);

const list = async (): Promise<Execution[]> => {
  try {
    return (await resources.executions.list(namespace)).items;
  } catch {
    return [];
  }
};
const recoveries: number[] = [];
/** Kills whose executions are not all running elsewhere yet; one poller (a list every 100 ms) settles them. */
const recovering: { pod: string; held: Set<string>; killedAt: number }[] = [];
let latest: Execution[] = [];
let polling = true;
const poller = (async () => {
  while (polling) {
    const now = await list();
    if (now.length > 0) latest = now;
    for (const kill of [...recovering]) {
      const stillHeld = latest.some(
        (e) => kill.held.has(e.metadata.name!) && e.status?.phase === "Executing" && e.status.lease?.pod === kill.pod,
      );
      if (!stillHeld) {
        recoveries.push(performance.now() - kill.killedAt);
        recovering.splice(recovering.indexOf(kill), 1);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
})();
let restartedCluster = false;
let restartedController = false;
let kills = 0;
const finished = (e: Execution) => ["Completed", "Failed", "Cancelled"].includes(e.status?.phase ?? "");
const roots = (items: Execution[]) => items.filter((e) => e.spec.parent === undefined);
for (;;) {
  await new Promise((resolve) => setTimeout(resolve, killEveryMs));
  const items = latest;
  const done = roots(items).filter(finished).length;
  console.log(
    `${((performance.now() - t0) / 1000).toFixed(1)} s: ${done}/${executions} roots finished, ${kills} kills`,
  );
  if (items.length > 0 && done === executions) break;
  // SIGKILL the oldest worker that is up and start a replacement; time until nothing is held by the dead one.
  const index = workers.findIndex((worker) => worker.ready);
  if (index < 0) continue;
  const [victim] = workers.splice(index, 1) as [ChaosWorker];
  const held = new Set(
    items
      .filter((e) => e.status?.phase === "Executing" && e.status.lease?.pod === victim.pod)
      .map((e) => e.metadata.name!),
  );
  victim.child.kill("SIGKILL");
  killed.add(victim.child.pid!);
  kills++;
  const killedAt = performance.now();
  // Gone at once (grace 0), as the kubelet reports a killed container's Pod; nothing runs it to terminate it slowly.
  const body = { kind: "DeleteOptions", apiVersion: "v1", gracePeriodSeconds: 0 };
  await http({ method: "DELETE", path: `${pods}/${victim.pod}`, body }).catch(() => undefined);
  if (held.size > 0) recovering.push({ pod: victim.pod, held, killedAt });
  workers.push(await startWorker());
  if (!restartedController && done >= executions * 0.2) {
    restartedController = true;
    controller.kill("SIGTERM");
    controller = kontinue(["controller"]);
    console.log("restarted the controller");
  }
  if (!restartedCluster && done >= executions * 0.5) {
    restartedCluster = true;
    await cluster.stop();
    cluster = await serveDevCluster({ dataDir, port });
    console.log("restarted devcluster");
  }
}
polling = false;
await poller;
const drainSeconds = (performance.now() - t0) / 1000;
const items = roots(latest);
const completed = items.filter((e) => e.status?.phase === "Completed");
const correct = completed.filter(
  (e) => JSON.stringify(e.status?.result) === JSON.stringify(expectedResult((e.spec.arguments as { i: number }).i)),
);

// A body that ran again counts as a re-run unless the run before it was on a worker that was killed.
const runs = new Map<string, number[]>();
for (const line of readFileSync(log, "utf8").split("\n").filter(Boolean)) {
  const [execution, step, pid] = line.split(" ");
  const key = `${execution} ${step}`;
  runs.set(key, [...(runs.get(key) ?? []), Number(pid)]);
}
let reRuns = 0;
let inFlightAtKill = 0;
for (const pids of runs.values()) {
  for (let i = 1; i < pids.length; i++) {
    if (killed.has(pids[i - 1]!)) inFlightAtKill++;
    else reRuns++;
  }
}
console.log("");
console.log(`completed                                   ${completed.length}/${executions}`);
console.log(`failed                                      ${items.filter((e) => e.status?.phase === "Failed").length}`);
console.log(
  `checkpointed steps re-run                   ${reRuns} (must be 0; ${inFlightAtKill} steps in flight at a kill ran ` +
    `again)`,
);
console.log(`results equal to an uninterrupted run       ${correct.length}/${executions}`);
console.log(
  `time to drain                               ${drainSeconds.toFixed(1)} s (${kills} workers SIGKILLed, devcluster ` +
    `and controller restarted once)`,
);
console.log(
  `slowest recovery (kill → held executions running elsewhere)  ${(Math.max(...recoveries) / 1000).toFixed(2)} s ` +
    `(median ${(recoveries.sort((a, b) => a - b)[Math.floor(recoveries.length / 2)]! / 1000).toFixed(2)} s)`,
);
for (const worker of workers) worker.child.kill("SIGKILL");
controller.kill("SIGKILL");
await cluster.stop();
rmSync(dataDir, { recursive: true, force: true });
