// `npm run bench:scaling`: the workload controller on devcluster — first Pending execution of a Function
// at zero → Deployment replicas written, reconcile latency p50/p99, and the controller's resident memory
// with 100,000 Executions stored. devcluster runs as its own process, and so does the controller for the
// memory figure (`kontinue controller`). The Pod figures of the issue (Pod Running, worker Ready, drain
// speed-up, SIGKILL recovery) need devcluster's local runner, which does not run Pods yet.
import { spawn } from "node:child_process";
import { CoreV1Api, type V1Deployment, type V1ObjectMeta } from "@kubernetes/client-node";
import { readFileSync, rmSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { startController } from "../controller/index.ts";
import { API_VERSION, FUNCTION_LABEL, type Execution, type FunctionResource } from "../crds/index.ts";
import { ResourceClient, createKubeHttp, createResourceInformer, kontinueResources } from "../runtime/index.ts";
import { applyCrds, loadKubeConfig, serveDevCluster, temporaryDataDir } from "../test/fixtures/devcluster-fixture.ts";

const targets = { replicasWrittenMs: 200, controllerMegabytes: 200 };
const stored = Number(process.env.KONTINUE_BENCH_EXECUTIONS ?? 100_000);
const repository = fileURLToPath(new URL("..", import.meta.url));

const percentile = (values: number[], fraction: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
};
const fmt = (n: number, digits = 1): string => n.toFixed(digits);
const report = (name: string, value: string, target: string, ok: boolean | undefined): void =>
  console.log(
    `${name.padEnd(58)} ${value.padStart(14)}   ` +
      `target ${target.padEnd(10)} ${ok === undefined ? "" : ok ? "ok" : "MISSED"}`,
  );
const memory = (pid: number, field: "VmRSS" | "VmHWM"): number => {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((entry) => entry.startsWith(`${field}:`));
  return Number(line?.split(/\s+/)[1] ?? Number.NaN) / 1024;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const image = (digit: string) => `127.0.0.1:5000/bench/fn@sha256:${digit.repeat(64)}`;

const dataDir = temporaryDataDir();
const cluster = await serveDevCluster({ dataDir, timeoutMillis: 60_000 });
try {
  await applyCrds(cluster.kubeconfigPath);
  const kubeConfig = loadKubeConfig(cluster.kubeconfigPath);
  const namespace = `bench-scaling-${Date.now().toString(36)}`;
  await kubeConfig.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
  const http = createKubeHttp(kubeConfig);
  const resources = kontinueResources(http);
  const deployments = new ResourceClient<V1Deployment & { metadata: V1ObjectMeta }>(
    http,
    "deployments",
    "/apis/apps/v1",
  );
  const createFunction = (name: string, digit: string, scaling: FunctionResource["spec"]["scaling"]) =>
    resources.functions.create(namespace, {
      apiVersion: API_VERSION,
      kind: "Function",
      metadata: { name, namespace },
      spec: { image: image(digit), functionName: name, scaling },
    });
  const execution = (name: string, fn: string, args: unknown): Execution => ({
    apiVersion: API_VERSION,
    kind: "Execution",
    metadata: { name, namespace, labels: { [FUNCTION_LABEL]: fn } },
    spec: { function: fn, arguments: args },
  });

  // Replica writes as a watch sees them: when each Deployment first had replicas ≥ 1.
  const scaledAt = new Map<string, number>();
  const waiters = new Map<string, () => void>();
  const watch = createResourceInformer<V1Deployment & { metadata: V1ObjectMeta }>({
    kubeConfig,
    client: deployments,
    namespace,
    onChange: (deployment) => {
      const fn = deployment.metadata.labels?.[FUNCTION_LABEL];
      if (fn === undefined || (deployment.spec?.replicas ?? 0) < 1 || scaledAt.has(fn)) return;
      scaledAt.set(fn, performance.now());
      waiters.get(fn)?.();
    },
  });
  await watch.start();
  const scaled = (fn: string) =>
    scaledAt.has(fn) ? Promise.resolve() : new Promise<void>((resolve) => waiters.set(fn, resolve));
  const deployed = async (fn: string) => {
    while ((await deployments.list(namespace, `${FUNCTION_LABEL}=${fn}`)).items.length === 0) await sleep(10);
  };

  // 1. In-process controller: first Pending execution → replicas written, and reconcile latency.
  const reconciles: number[] = [];
  const controller = await startController({
    kubeConfig,
    namespace,
    log: () => {},
    onReconciled: (queue, _key, ms) => queue === "function" && reconciles.push(ms),
  });
  const wakeups: number[] = [];
  for (let i = 0; i < 20; i++) {
    const fn = `wake-${i}`;
    await createFunction(fn, (i % 10).toString(), { maxReplicas: 4, targetPendingPerReplica: 5, cooldownSeconds: 1 });
    await deployed(fn);
    await sleep(50);
    const created = performance.now();
    await resources.executions.create(namespace, execution(`${fn}-1`, fn, null));
    await scaled(fn);
    wakeups.push(scaledAt.get(fn)! - created);
  }
  report(
    "first Pending execution → Deployment replicas written, p50",
    `${fmt(percentile(wakeups, 0.5))} ms`,
    `≤ ${targets.replicasWrittenMs} ms`,
    percentile(wakeups, 0.5) <= targets.replicasWrittenMs,
  );
  report("  … worst of 20", `${fmt(Math.max(...wakeups))} ms`, "-", undefined);
  const quiet = reconciles.splice(0);
  report(
    `function reconcile latency, p50 (${quiet.length} reconciles, one execution at a time)`,
    `${fmt(percentile(quiet, 0.5), 2)} ms`,
    "-",
    undefined,
  );
  report("function reconcile latency, p99", `${fmt(percentile(quiet, 0.99), 2)} ms`, "-", undefined);
  await Promise.all(
    Array.from({ length: 400 }, (_, n) =>
      resources.executions.create(namespace, execution(`burst-${n}`, `wake-${n % 20}`, { n })),
    ),
  );
  await sleep(2_000);
  report(
    `function reconcile latency, p50 (${reconciles.length} reconciles, 400-execution burst)`,
    `${fmt(percentile(reconciles, 0.5), 2)} ms`,
    "-",
    undefined,
  );
  report(
    "  … p99 (each write queues behind the burst's POSTs)",
    `${fmt(percentile(reconciles, 0.99), 2)} ms`,
    "-",
    undefined,
  );
  await controller.stop();

  // 2. A controller process (`kontinue controller`): its resident memory once it runs, then with 100,000
  // Executions stored (each with a 1 KiB argument its cache leaves out) and counted.
  await createFunction("bulk", "f", { maxReplicas: 10 });
  const child = spawn(
    process.execPath,
    ["bin/kontinue.js", "controller", "--kubeconfig", cluster.kubeconfigPath, "--namespace", namespace],
    { cwd: repository, stdio: ["ignore", "ignore", "pipe"] },
  );
  let output = "";
  child.stderr!.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-5_000)));
  const counted = async (pending: number, timeoutMs: number) => {
    const started = performance.now();
    for (;;) {
      const bulk = await resources.functions.get(namespace, "bulk");
      if (bulk?.status?.pending === pending) return (performance.now() - started) / 1000;
      if (child.exitCode !== null) throw new Error(`the controller exited (${child.exitCode}):\n${output}`);
      if (performance.now() - started > timeoutMs)
        throw new Error(`the controller did not count ${pending} executions in ${timeoutMs} ms:\n${output}`);
      await sleep(100);
    }
  };
  try {
    await counted(0, 120_000);
    await sleep(2_000);
    const baseline = memory(child.pid!, "VmRSS");
    report("controller resident memory, no Executions stored", `${fmt(baseline, 0)} MB`, "-", undefined);

    const payload = "x".repeat(1024);
    const began = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        for (let n = next++; n < stored; n = next++)
          await resources.executions.create(namespace, execution(`bulk-${n}`, "bulk", { n, payload }));
      }),
    );
    const creation = (performance.now() - began) / 1000;
    report(`${stored} Executions created (64 parallel POSTs)`, `${fmt(creation)} s`, "-", undefined);
    report("  … rate", `${fmt(stored / creation, 0)} /s`, "-", undefined);
    report(
      `  … then the controller's status counted all ${stored}`,
      `${fmt(await counted(stored, 600_000), 1)} s later`,
      "-",
      undefined,
    );
    await sleep(3_000);
    const rss = memory(child.pid!, "VmRSS");
    report(
      `controller resident memory with ${stored} Executions`,
      `${fmt(rss, 0)} MB`,
      `≤ ${targets.controllerMegabytes} MB`,
      rss <= targets.controllerMegabytes,
    );
    report("  … above its baseline", `${fmt(rss - baseline, 0)} MB`, "-", undefined);
    report("  … peak (VmHWM)", `${fmt(memory(child.pid!, "VmHWM"), 0)} MB`, "-", undefined);

    await createFunction("late", "e", { maxReplicas: 4 });
    await deployed("late");
    await sleep(200);
    const created = performance.now();
    await resources.executions.create(namespace, execution("late-1", "late", null));
    await scaled("late");
    const late = scaledAt.get("late")! - created;
    report(
      `first Pending execution → replicas written, ${stored} stored`,
      `${fmt(late)} ms`,
      `≤ ${targets.replicasWrittenMs} ms`,
      late <= targets.replicasWrittenMs,
    );
  } finally {
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
  }
  await watch.stop();
  console.log(
    "not measured: Pod Running, worker Ready, drain speed-up per replica, SIGKILL recovery — devcluster runs no Pods " +
      "yet",
  );
} finally {
  await cluster.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
