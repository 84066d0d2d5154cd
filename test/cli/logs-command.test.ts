// `kontinue logs` reads worker Pods' output through pods/log: a Function's Pods (by label), and for an
// execution the lines naming it from the Pod holding its lease; -f follows until interrupted.
import { AppsV1Api, CoreV1Api, KubeConfig, type V1Deployment } from "@kubernetes/client-node";
import { execFile, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { API_VERSION, FUNCTION_LABEL } from "../../crds/index.ts";
import { createKubeHttp, kontinueResources } from "../../runtime/index.ts";
import { webDeployment } from "../fixtures/devcluster-web-deployment.ts";
import { webImage } from "../fixtures/devcluster-web-image.ts";
import { waitFor } from "../fixtures/wait-for.ts";

const cli = fileURLToPath(new URL("../../bin/kontinue.js", import.meta.url));
const kubeconfig = inject("kubeconfig");
const namespace = `cli-logs-${process.pid}`;
const executionName = `logs-exec-${process.pid}`;

function kontinue(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, ...args, "--kubeconfig", kubeconfig, "-n", namespace],
      { timeout: 90_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("kontinue logs", { timeout: 180_000 }, () => {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kubeconfig);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const { executions, functions } = kontinueResources(createKubeHttp(kubeConfig));
  let pod: string;

  beforeAll(async () => {
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    await functions.create(namespace, {
      apiVersion: API_VERSION,
      kind: "Function",
      metadata: { name: "logger", namespace },
      spec: { image: `registry.example/logger@sha256:${"cd".repeat(32)}`, functionName: "logger" },
    });
    // The web image's start-up line ends with its version: named after the execution, it is a line naming it.
    const { reference } = await webImage(executionName);
    const deployment = webDeployment({ name: "logger-worker", namespace, image: reference }) as unknown as V1Deployment;
    deployment.spec!.template.metadata!.labels![FUNCTION_LABEL] = "logger";
    await kubeConfig.makeApiClient(AppsV1Api).createNamespacedDeployment({ namespace, body: deployment });
    pod = await waitFor(
      "the worker Pod to print its start-up line",
      async () => {
        const pods = await core.listNamespacedPod({ namespace, labelSelector: `${FUNCTION_LABEL}=logger` });
        const running = pods.items.find((item) => item.status?.phase === "Running");
        if (running === undefined) return undefined;
        const log = await core.readNamespacedPodLog({ namespace, name: running.metadata!.name! });
        return log.includes("listening on") ? running.metadata!.name! : undefined;
      },
      120_000,
      250,
    );
  }, 240_000);

  afterAll(async () => {
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
  });

  it("prints a function's worker logs", async () => {
    const run = await kontinue(["logs", "logger"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^listening on \\S+ version ${executionName}\\n`));
  });

  it("prints only the lines naming an execution, from the Pod holding its lease", async () => {
    const created = await executions.create(namespace, {
      apiVersion: API_VERSION,
      kind: "Execution",
      metadata: { name: executionName, labels: { [FUNCTION_LABEL]: "logger" } },
      spec: { function: "logger" },
    });
    const expiresAt = new Date(Date.now() + 60_000).toISOString();
    await executions.replaceStatus({
      ...created,
      status: { phase: "Executing", attempt: 1, lease: { holder: pod, expiresAt, pod } },
    });
    const run = await kontinue(["logs", executionName]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trimEnd().split("\n")).toEqual([expect.stringContaining(`version ${executionName}`)]);
  });

  it("follows with -f until interrupted", async () => {
    const follow = spawn(process.execPath, [cli, "logs", "logger", "-f", "--kubeconfig", kubeconfig, "-n", namespace]);
    let out = "";
    follow.stdout.on("data", (chunk: Buffer) => (out += chunk));
    await waitFor("the followed log's first line", () => out.includes("listening on"), 60_000, 100);
    expect(follow.exitCode).toBeNull();
    follow.kill("SIGINT");
    const code = await new Promise((resolve) => follow.once("exit", (exitCode) => resolve(exitCode)));
    expect(code).toBe(0);
  });
});
