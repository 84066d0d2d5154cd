// The worker as a process (`kontinue worker <file>`): health, readiness and metrics endpoints; SIGTERM
// hands back what it holds and exits 0; timeoutSeconds fails an execution that runs too long.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { defineFunction, type Worker } from "../../runtime/index.ts";
import {
  createExecution,
  exited,
  repository,
  spawnWorker,
  startWorker,
  testCluster,
  waitFinished,
  waitFor,
  waitPhase,
  type TestCluster,
} from "./runtime-harness.ts";

let cluster: TestCluster;
const workers: Worker[] = [];

beforeAll(async () => {
  cluster = await testCluster("worker-process");
});
afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop(0)));
});

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

it("serves /healthz, /readyz and /metrics, and on SIGTERM hands back its execution and exits 0", {
  timeout: 60_000,
}, async () => {
  const port = await freePort();
  const child = spawnWorker(cluster, "test/runtime/functions/slowSteps.ts", { KONTINUE_METRICS_PORT: String(port) });
  try {
    const url = `http://127.0.0.1:${port}`;
    await waitFor(
      "the worker to be ready",
      () =>
        fetch(`${url}/readyz`).then(
          (r) => r.status,
          () => 0,
        ),
      (status) => status === 200,
      30_000,
      100,
    );
    expect(await (await fetch(`${url}/healthz`)).text()).toBe("ok\n");
    await createExecution(cluster, "slow-1", "slowSteps", null);
    const held = await waitPhase(cluster, "slow-1", "Executing");
    expect(held.status?.lease?.holder).toMatch(new RegExp(`-${child.pid}$`));
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain("kontinue_executions_claimed_total 1");
    expect(metrics).toContain("# TYPE kontinue_step_duration_seconds histogram");
    expect(metrics).toContain("kontinue_lease_renewals_total");
    expect(metrics).toContain("kontinue_replays_total 0");
    child.kill("SIGTERM");
    expect(await exited(child), child.output()).toBe(0);
  } finally {
    child.kill("SIGKILL");
  }
  const handedBack = await cluster.resources.executions.get(cluster.namespace, "slow-1");
  expect(handedBack?.status?.phase).toBe("Pending");
  expect(handedBack?.status?.lease).toBeUndefined();
  expect(handedBack?.status?.lostAttempts ?? 0).toBe(0);
  workers.push(
    await startWorker(
      cluster,
      "slowSteps",
      defineFunction({ run: async (ctx) => ctx.store("slow", () => "fast now") }),
    ),
  );
  const done = await waitFinished(cluster, "slow-1");
  expect(done.status?.result).toBe("fast now");
  expect(done.status?.attempt).toBe(2);
});

it("fails an execution that runs past timeoutSeconds", async () => {
  workers.push(
    await startWorker(
      cluster,
      "tooSlow",
      defineFunction({
        timeoutSeconds: 1,
        run: async (ctx) =>
          ctx.store("forever", (step) => new Promise((resolve) => step.signal.addEventListener("abort", resolve))),
      }),
    ),
  );
  await createExecution(cluster, "too-slow-1", "tooSlow", null);
  const done = await waitFinished(cluster, "too-slow-1");
  expect(done.status?.phase).toBe("Failed");
  expect(done.status?.error?.type).toBe("RUNTIME_EXECUTION_TIMEOUT");
  expect(done.status?.error?.message).toContain('execution "too-slow-1" ran past its timeout of 1s');
});

it("runs from the environment as an image entrypoint does (runWorkerFromEnv), and exits 0 on SIGTERM", {
  timeout: 60_000,
}, async () => {
  const child = spawn(process.execPath, ["--import", "tsx", "test/runtime/functions/envEntry.ts"], {
    cwd: repository,
    env: {
      ...process.env,
      KUBECONFIG: cluster.kubeconfigPath,
      KONTINUE_NAMESPACE: cluster.namespace,
      POD_NAME: "env-entry-pod-1",
      KONTINUE_CONCURRENCY: "2",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  try {
    await createExecution(cluster, "env-1", "envEntry", { name: "kontinue" });
    const done = await waitFinished(cluster, "env-1");
    expect(done.status?.result).toBe("hello kontinue");
    expect(done.status?.state?.steps?.[0]?.status).toBe("completed");
    expect(done.status?.observedImage).toBe("unknown");
    child.kill("SIGTERM");
    expect(await exited(child), output).toBe(0);
  } finally {
    child.kill("SIGKILL");
  }
});
