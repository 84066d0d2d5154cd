// `npm run bench:devcluster`: devcluster's write throughput, watch delivery latency and memory,
// against the targets, with a plain in-process SQLite insert loop as the reference floor.
//
// devcluster runs as its own process (`kontinue cluster serve`); writers are undici clients over
// HTTPS with keep-alive; the watch side is a client-node informer in this process.
import * as k8s from "@kubernetes/client-node";
import Database from "better-sqlite3";
import { readFileSync, rmSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Pool } from "undici";
import { parse as parseYaml } from "yaml";
import { applyCrds, loadKubeConfig, serveDevCluster, temporaryDataDir } from "../test/fixtures/devcluster-fixture.ts";

const targets = { writesPerSecond: 1500, p50Millis: 5, p99Millis: 50, rssMegabytes: 300 };
const stored = 10_000;
const namespace = "default";
const executionsPath = `/apis/kontinue.cloud/v1alpha1/namespaces/${namespace}/executions`;

interface Kubeconfig {
  clusters: { cluster: { server: string; "certificate-authority-data": string } }[];
  users: { user: { token: string } }[];
}

function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]!;
}

/** CPU seconds (user + system) the process has used so far. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function residentMegabytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((entry) => entry.startsWith("VmRSS:"));
  return Number(line?.split(/\s+/)[1] ?? Number.NaN) / 1024;
}

function execution(name: string): object {
  return {
    apiVersion: "kontinue.cloud/v1alpha1",
    kind: "Execution",
    metadata: { name, labels: { "kontinue.cloud/function": "process-order" } },
    spec: {
      function: "processOrder",
      arguments: {
        orderId: name,
        items: [
          { sku: "A-1", quantity: 2 },
          { sku: "B-7", quantity: 1 },
        ],
      },
    },
  };
}

const dataDir = temporaryDataDir();
const cluster = await serveDevCluster({ dataDir });
try {
  await applyCrds(cluster.kubeconfigPath);
  const kubeconfig = parseYaml(readFileSync(cluster.kubeconfigPath, "utf8")) as Kubeconfig;
  const server = kubeconfig.clusters[0]!.cluster.server;
  const ca = Buffer.from(kubeconfig.clusters[0]!.cluster["certificate-authority-data"], "base64").toString();
  const authorization = `Bearer ${kubeconfig.users[0]!.user.token}`;
  const serverPid = cluster.child.pid!;
  const idleRss = residentMegabytes(serverPid);
  const pool = new Pool(server, { connect: { ca }, connections: 8, pipelining: 1 });

  async function call(
    method: "POST" | "PATCH",
    path: string,
    body: object,
    contentType = "application/json",
  ): Promise<{ resourceVersion: string; name: string }> {
    const response = await pool.request({
      method,
      path,
      body: JSON.stringify(body),
      headers: { authorization, "content-type": contentType, accept: "application/json" },
    });
    const answer = (await response.body.json()) as {
      metadata?: { resourceVersion: string; name: string };
      message?: string;
    };
    if (response.statusCode >= 300) throw new Error(`${method} ${path} → ${response.statusCode}: ${answer.message}`);
    return { resourceVersion: answer.metadata!.resourceVersion, name: answer.metadata!.name };
  }

  // Watch side: when each write was acknowledged, and when the informer delivered it.
  const acknowledged = new Map<string, number>();
  const delivered = new Map<string, number>();
  const informerConfig = loadKubeConfig(cluster.kubeconfigPath);
  const custom = informerConfig.makeApiClient(k8s.CustomObjectsApi);
  const informer = k8s.makeInformer<k8s.KubernetesObject>(
    informerConfig,
    executionsPath,
    () =>
      custom.listNamespacedCustomObject({
        group: "kontinue.cloud",
        version: "v1alpha1",
        namespace,
        plural: "executions",
      }) as Promise<k8s.KubernetesListObject<k8s.KubernetesObject>>,
  );
  const record = (object: k8s.KubernetesObject) =>
    delivered.set(`${object.metadata?.name}@${object.metadata?.resourceVersion}`, performance.now());
  informer.on("add", record);
  informer.on("update", record);
  await informer.start();

  /**
   * Runs `count` operations with `writers` concurrent writers; returns operations per second and delivery latencies.
   */
  async function run(
    count: number,
    writers: number,
    operation: (index: number) => Promise<{ resourceVersion: string; name: string }>,
  ) {
    let next = 0;
    const keys: string[] = [];
    const serverCpuBefore = cpuSeconds(serverPid);
    const started = performance.now();
    await Promise.all(
      Array.from({ length: writers }, async () => {
        while (next < count) {
          const result = await operation(next++);
          const key = `${result.name}@${result.resourceVersion}`;
          acknowledged.set(key, performance.now());
          keys.push(key);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const serverCpuMicros = ((cpuSeconds(serverPid) - serverCpuBefore) * 1e6) / count;
    const deadline = performance.now() + 10_000;
    while (keys.some((key) => !delivered.has(key)) && performance.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 10));
    const latencies = keys
      .filter((key) => delivered.has(key))
      .map((key) => Math.max(0, delivered.get(key)! - acknowledged.get(key)!))
      .sort((a, b) => a - b);
    return {
      perSecond: count / seconds,
      serverCpuMicros,
      p50: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
      missed: keys.length - latencies.length,
    };
  }

  const create = (index: number) => call("POST", executionsPath, execution(`bench-${index}`));
  let created = 0;
  const createOne = await run(1000, 1, (index) => create(created + index));
  created += 1000;
  const createEight = await run(stored - created, 8, (index) => create(created + index));
  created = stored;
  const statusPatch = (index: number) =>
    call(
      "PATCH",
      `${executionsPath}/bench-${index % stored}/status`,
      {
        status: {
          phase: "Executing",
          attempt: 1 + Math.floor(index / stored),
          lease: {
            holder: `worker-${index % 8}`,
            expiresAt: new Date(Date.now() + 30_000).toISOString().replace(/\.\d+Z$/, "Z"),
          },
        },
      },
      "application/merge-patch+json",
    );
  const statusOne = await run(1000, 1, statusPatch);
  const statusEight = await run(5000, 8, (index) => statusPatch(1000 + index));
  const rss = residentMegabytes(serverPid);
  await informer.stop();
  await pool.close();

  // Reference: the same rows inserted by a plain in-process SQLite loop (one transaction each).
  const referenceDir = temporaryDataDir();
  const database = new Database(join(referenceDir, "reference.db"));
  database.pragma("journal_mode = WAL");
  database.pragma("synchronous = NORMAL");
  database.exec("CREATE TABLE objects (name TEXT PRIMARY KEY, rv INTEGER, data TEXT) WITHOUT ROWID");
  const insert = database.prepare("INSERT INTO objects (name, rv, data) VALUES (?, ?, ?)");
  const insertOne = database.transaction((index: number) =>
    insert.run(`bench-${index}`, index, JSON.stringify(execution(`bench-${index}`))),
  );
  const referenceStart = performance.now();
  for (let index = 0; index < stored; index++) insertOne(index);
  const referencePerSecond = stored / ((performance.now() - referenceStart) / 1000);
  database.close();
  rmSync(referenceDir, { recursive: true, force: true });

  const rate = (value: number) => `${value.toFixed(0).padStart(7)} /s`;
  const cpu = (result: { serverCpuMicros: number }) =>
    `server CPU ${result.serverCpuMicros.toFixed(0).padStart(4)} µs/write`;
  const millis = (value: number) => `${value.toFixed(2).padStart(7)} ms`;
  const ratio = (value: number, target: number, higherIsBetter: boolean) => {
    const met = higherIsBetter ? value >= target : value <= target;
    return (
      `${(higherIsBetter ? value / target : target / Math.max(value, 0.001)).toFixed(2)}× ` +
      `target ${met ? "(met)" : "(MISSED)"}`
    );
  };
  const lines = [
    `devcluster benchmark (${stored.toLocaleString("en")} Executions stored at the end of the create phase; writers: ` +
      `undici over HTTPS; watch: client-node informer)`,
    "",
    `creates          1 writer : ${rate(createOne.perSecond)}   ${cpu(createOne)}   watch ` +
      `p50 ${millis(createOne.p50)}  p99 ${millis(createOne.p99)}`,
    `creates          8 writers: ${rate(createEight.perSecond)}   ${cpu(createEight)}   watch ` +
      `p50 ${millis(createEight.p50)}  p99 ${millis(createEight.p99)}  ` +
      ` ${ratio(createEight.perSecond, targets.writesPerSecond, true)}`,
    `status updates   1 writer : ${rate(statusOne.perSecond)}   ${cpu(statusOne)}   watch ` +
      `p50 ${millis(statusOne.p50)}  p99 ${millis(statusOne.p99)}`,
    `status updates   8 writers: ${rate(statusEight.perSecond)}   ${cpu(statusEight)}   watch ` +
      `p50 ${millis(statusEight.p50)}  p99 ${millis(statusEight.p99)}  ` +
      ` ${ratio(statusEight.perSecond, targets.writesPerSecond, true)}`,
    "",
    `machine: ${cpus().length} CPUs, load average ${loadavg()
      .map((load) => load.toFixed(1))
      .join(" ")} (other processes share these CPUs)`,
    `one dedicated core would serve ~${(1e6 / statusEight.serverCpuMicros).toFixed(0)} status updates/s and ` +
      `~${(1e6 / createEight.serverCpuMicros).toFixed(0)} creates/s at the server CPU cost measured`,
    "",
    `watch delivery at 8 writers (status updates): p50 ${ratio(statusEight.p50, targets.p50Millis, false)}, ` +
      `p99 ${ratio(statusEight.p99, targets.p99Millis, false)}`,
    `events not delivered within 10 ` +
      `s: ${createOne.missed + createEight.missed + statusOne.missed + statusEight.missed}`,
    `devcluster resident memory: ${rss.toFixed(0)} MB   ${ratio(rss, targets.rssMegabytes, false)}   (idle, CRDs ` +
      `applied: ${idleRss.toFixed(0)} MB)`,
    "",
    `reference: plain in-process SQLite insert loop (same pragmas, one transaction per row, no ` +
      `HTTP/JSON/validation): ${rate(referencePerSecond)}`,
    `devcluster creates at 8 writers reach ${((createEight.perSecond / referencePerSecond) * 100).toFixed(1)}% of ` +
      `that floor-cost loop`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
} finally {
  await cluster.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
