// The scale-up from zero as the UI tells it, against the real controller on a devcluster that runs no Pods (the test
// plays the kubelet and the worker): an execution's wait split into queue / scale-up / claim / start, and the
// Function's replicas and queue over time from the controller's Events, drawn in Chromium.
import type { V1Pod } from "@kubernetes/client-node";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExecutionDetail, HistoryPoint, UiServer } from "../../ui/index.ts";
import { buildUiApp, startUiServer } from "../../ui/index.ts";
import {
  applyFunction,
  createExecutions,
  eventsAbout,
  setStatus,
  startWorkloadRig,
  type WorkloadRig,
} from "../controller/workload-harness.ts";
import { waitFor } from "../runtime/runtime-harness.ts";
import { launchChromium, seriousViolations } from "./ui-harness.ts";

let rig: WorkloadRig;
let ui: UiServer;
const lines: string[] = [];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function uiGet<T>(path: string): Promise<T> {
  const response = await fetch(`http://127.0.0.1:${ui.port}${path}`, { headers: { "x-kontinue-token": ui.token } });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

beforeAll(async () => {
  await buildUiApp();
  rig = await startWorkloadRig("ui-scaling", lines);
  ui = await startUiServer({ kubeConfig: rig.cluster.kubeConfig, namespace: rig.cluster.namespace });
});

afterAll(async () => {
  await ui?.close();
  await rig?.stop();
});

describe("a Function scaled up from zero, in the UI", () => {
  let scaledAt = 0;

  it("splits the wait before the first step into queue, scale-up, claim and start", async () => {
    const ns = rig.cluster.namespace;
    await applyFunction(rig.cluster, "greet", { scaling: { maxReplicas: 1, targetPendingPerReplica: 1 } });
    await waitFor(
      "the Deployment at zero",
      () => rig.clients.deployments.list(ns),
      (l) => l.items.length === 1,
    );
    const [created] = await createExecutions(rig.cluster, "greet", ["waits-for-a-worker"]);
    const createdAt = Date.parse(String(created!.metadata.creationTimestamp));
    // The controller may write the replicas when it creates the Deployment or when it scales it: either counts.
    const writesReplicas = (e: { reason?: string; message?: string }) =>
      e.reason === "ScaledUp" || (e.reason === "RevisionDeployed" && !e.message?.endsWith(" 0 replicas"));
    const scaling = await waitFor(
      "the controller's Event writing replicas",
      () => eventsAbout(rig.clients, ns, "greet"),
      (events) => events.some(writesReplicas),
      30_000,
    );
    const written = scaling.find(writesReplicas)!;
    scaledAt = Date.parse(String(written.lastTimestamp));
    await sleep(1_500);
    const pod = "greet-worker-0";
    const made = await rig.clients.pods.create(ns, {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: pod, namespace: ns },
      spec: { containers: [{ name: "worker", image: "greet" }] },
    } as V1Pod & { metadata: { name: string } });
    const readyAt = new Date();
    await rig.clients.pods.replaceStatus({
      ...made,
      status: { phase: "Running", conditions: [{ type: "Ready", status: "True", lastTransitionTime: readyAt }] },
    });
    await sleep(1_000);
    const claimedAt = new Date().toISOString();
    const lease = { holder: pod, expiresAt: new Date(Date.now() + 300_000).toISOString(), durationSeconds: 300 };
    await setStatus(rig.cluster, "waits-for-a-worker", { phase: "Executing", attempt: 1, startedAt: claimedAt, lease });
    await sleep(500);
    const firstStepAt = new Date().toISOString();
    await setStatus(rig.cluster, "waits-for-a-worker", {
      phase: "Executing",
      attempt: 1,
      startedAt: claimedAt,
      lease,
      state: {
        steps: [{ seq: 0, kind: "store", name: "greet", status: "running", startedAt: firstStepAt, attempts: 1 }],
      },
    });

    const { waited } = await waitFor(
      "the UI's breakdown with the scale-up (its informers have the Pod, the Event and the step)",
      () => uiGet<ExecutionDetail>(`/api/executions/${ns}/waits-for-a-worker`),
      (detail) => detail.waited.totalMs !== undefined && (detail.waited.scaleUpMs ?? 0) > 0,
      30_000,
    );
    const { queueMs, scaleUpMs, claimMs, startMs, totalMs } = waited;
    // Kubernetes times may be whole seconds: each part within 1.5 s of what the test did, and they add up.
    expect(queueMs! + scaleUpMs! + claimMs! + startMs!).toBe(totalMs);
    expect(Math.abs(totalMs! - (Date.parse(firstStepAt) - createdAt))).toBeLessThanOrEqual(1_500);
    expect(Math.abs(queueMs! - (scaledAt - createdAt))).toBeLessThanOrEqual(1_500);
    expect(Math.abs(scaleUpMs! - (readyAt.getTime() - scaledAt))).toBeLessThanOrEqual(1_500);
    expect(scaleUpMs).toBeGreaterThan(0);
    expect(Math.abs(claimMs! - (Date.parse(claimedAt) - readyAt.getTime()))).toBeLessThanOrEqual(1_500);
    expect(Math.abs(startMs! - (Date.parse(firstStepAt) - Date.parse(claimedAt)))).toBeLessThanOrEqual(200);
    expect(waited.pod).toBe(pod);
    expect(["ScaledUp", "RevisionDeployed"]).toContain(waited.scaledBy);
  });

  it("answers the Function's history with the scale-up, and draws it with a table twin", async () => {
    const ns = rig.cluster.namespace;
    const { points } = await uiGet<{ points: HistoryPoint[] }>(`/api/functions/${ns}/greet/history`);
    const scaleUps = points.filter((p) => p.source === "event" && p.replicas === 1);
    expect(scaleUps.map((p) => p.at)).toContain(scaledAt);
    expect(points.some((p) => p.source === "status")).toBe(true);
    expect(points.map((p) => p.at)).toEqual([...points.map((p) => p.at)].sort((a, b) => a - b));
    const missing = await fetch(`http://127.0.0.1:${ui.port}/api/functions/${ns}/nope/history`, {
      headers: { "x-kontinue-token": ui.token },
    });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: string }).error).toContain('function "nope"');

    let browser: Browser | undefined;
    try {
      browser = await launchChromium();
      // axe-core is injected as an inline script, which the UI's CSP refuses.
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
      await page.goto(ui.url.replace("/?", "/functions?"));
      const chart = page.getByTestId("function-chart");
      await chart.waitFor();
      expect(await chart.getAttribute("aria-label")).toMatch(/^greet: now \d+ replicas, \d+ pending$/);
      expect(await page.locator(".function-chart polyline.line-replicas").getAttribute("points")).toMatch(/\d,\d/);
      await page.getByText(/points as a table/).click();
      const rows = page.locator(".history-table tbody tr");
      expect(await rows.count()).toBeGreaterThanOrEqual(points.length);
      expect(
        await page
          .locator(".history-table")
          .getByText(/Event (ScaledUp|RevisionDeployed)/)
          .count(),
      ).toBeGreaterThan(0);
      expect(await seriousViolations(page)).toEqual([]);
      await page.goto(ui.url.replace("/?", "/executions/waits-for-a-worker?"));
      const breakdown = page.getByTestId("wait-breakdown");
      await breakdown.waitFor();
      expect(await breakdown.locator("li[data-part=scale-up]").textContent()).toMatch(/scaling up a worker/);
      expect(await seriousViolations(page)).toEqual([]);
    } finally {
      await browser?.close();
    }
  });
});
