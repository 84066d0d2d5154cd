// Every view of the UI with seed data: axe-core finds no serious or critical violation, the main flows work from the
// keyboard alone, and each view is captured at a fixed viewport and clock under test/ui/screenshots/.
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { API_VERSION, PLURALS } from "../../crds/index.ts";
import { buildUiApp } from "../../ui/index.ts";
import { waitFor } from "../fixtures/wait-for.ts";
import { launchChromium, seriousViolations, startUiProcess, step, TestCluster, type UiProcess } from "./ui-harness.ts";

const namespace = `ui-views-${Date.now().toString(36)}`;
const screenshots = fileURLToPath(new URL("./screenshots/", import.meta.url));
const clock = new Date("2026-12-01T12:00:00Z");
const at = (seconds: number) => new Date(clock.getTime() - 600_000 + seconds * 1000).toISOString();

async function seed(cluster: TestCluster): Promise<void> {
  const { http } = cluster;
  const base = `/apis/${API_VERSION}/namespaces/${namespace}`;
  const fn = await http({
    method: "POST",
    path: `${base}/${PLURALS.functions}`,
    body: {
      apiVersion: API_VERSION,
      kind: "Function",
      metadata: { name: "process-order" },
      spec: { image: `registry.local/process-order@sha256:${"ab".repeat(32)}`, functionName: "processOrder" },
    },
  });
  await http({
    method: "PUT",
    path: `${base}/${PLURALS.functions}/process-order/status`,
    body: {
      ...(fn as object),
      status: {
        replicas: 2,
        readyReplicas: 2,
        desiredReplicas: 3,
        pending: 4,
        executing: 2,
        activeRevision: "abababababababab",
        liveRevisions: [{ id: "abababababababab", desiredReplicas: 3, readyReplicas: 2, pending: 4 }],
        conditions: [{ type: "Ready", status: "True", reason: "WorkersReady", lastTransitionTime: at(0) }],
      },
    },
  });
  await http({
    method: "POST",
    path: `${base}/${PLURALS.scheduledExecutions}`,
    body: {
      apiVersion: API_VERSION,
      kind: "ScheduledExecution",
      metadata: { name: "nightly-report" },
      spec: { schedule: "0 3 * * *", timeZone: "Europe/Berlin", function: "processOrder", arguments: {} },
    },
  });
  await cluster.create("order-done", "processOrder", { orderId: "A-1" });
  await cluster.setStatus("order-done", {
    phase: "Completed",
    attempt: 1,
    startedAt: at(1),
    completedAt: at(9),
    result: { ok: true, paid: 42 },
    state: { steps: [step(0, "fetch-order", at(2), at(4), { total: 42 }), step(1, "charge", at(4), at(8), "ch_1")] },
  });
  await cluster.create("order-running", "processOrder", { orderId: "A-2" });
  await cluster.setStatus("order-running", {
    phase: "Executing",
    attempt: 2,
    startedAt: at(20),
    lease: { holder: "process-order-7d9f-abcde", expiresAt: at(700), pod: "process-order-7d9f-abcde" },
    state: { steps: [step(0, "fetch-order", at(21), at(24), { total: 7, big: "x".repeat(12_000) })] },
  });
  await cluster.create("order-running-1", "chargeCard", { amount: 7 }, { parent: { name: "order-running", step: 1 } });
  await cluster.create("order-failed", "chargeCard", { amount: -1 });
  await cluster.setStatus("order-failed", {
    phase: "Failed",
    attempt: 1,
    startedAt: at(30),
    completedAt: at(31),
    error: { type: "Error", message: "amount must be positive", stack: "Error: amount must be positive\n    at run" },
  });
}

describe("the UI's views", () => {
  let cluster: TestCluster;
  let ui: UiProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const views: Array<[file: string, path: string, ready: (page: Page) => Promise<unknown>]> = [
    ["executions", "/executions", (p) => p.locator('tr[data-name="order-failed"]').waitFor()],
    [
      "execution-detail",
      "/executions/order-running",
      (p) => p.getByTestId("steps-table").locator("tbody tr").waitFor(),
    ],
    ["execution-completed", "/executions/order-done", (p) => p.getByTestId("result").waitFor()],
    ["execution-failed", "/executions/order-failed", (p) => p.getByTestId("error").waitFor()],
    ["start", "/start", (p) => p.getByLabel("Arguments (JSON)").waitFor()],
    ["functions", "/functions", (p) => p.getByText("processOrder").first().waitFor()],
    ["schedules", "/schedules", (p) => p.getByText("nightly-report").waitFor()],
  ];

  beforeAll(async () => {
    cluster = new TestCluster(inject("kubeconfig"), namespace);
    await cluster.createNamespace();
    await seed(cluster);
    await buildUiApp();
    ui = await startUiProcess(cluster.kubeconfig, namespace);
    browser = await launchChromium();
    // axe is injected as an inline script, which the app's Content-Security-Policy would refuse.
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
    page = await context.newPage();
    await page.clock.setFixedTime(clock);
    await page.goto(ui.url);
    mkdirSync(screenshots, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await ui?.kill();
  });

  it("has no serious or critical axe violation on any view, and captures each", async () => {
    const found: Record<string, string[]> = {};
    for (const [file, path, ready] of views) {
      await page.goto(new URL(path, ui.url).href);
      await page.locator("[data-testid=freshness][data-state=live]").waitFor();
      await ready(page);
      found[file] = await seriousViolations(page);
      await page.screenshot({ path: `${screenshots}${file}.png`, fullPage: true });
    }
    expect(found).toEqual(Object.fromEntries(views.map(([file]) => [file, []])));
  });

  it("shows a large step value cut at 10 KB and loads it all on request", async () => {
    await page.goto(new URL("/executions/order-running", ui.url).href);
    await page.getByText(/showing 10 KB of 12 KB/).waitFor();
    await page.getByRole("button", { name: "load all" }).click();
    await page.getByText(/showing 10 KB/).waitFor({ state: "detached" });
    expect(await page.getByTestId("steps-table").getByText("big:").count()).toBe(1);
  });

  it("suspends, resumes and runs a schedule now", async () => {
    const path = `/apis/${API_VERSION}/namespaces/${namespace}/${PLURALS.scheduledExecutions}/nightly-report`;
    const suspended = async () =>
      ((await cluster.http({ method: "GET", path })) as { spec: { suspend?: boolean } }).spec;
    await page.goto(new URL("/schedules", ui.url).href);
    await page.getByRole("button", { name: "Suspend" }).click();
    await waitFor("spec.suspend", async () => (await suspended()).suspend === true);
    await page.getByRole("button", { name: "Resume" }).click();
    await waitFor("spec.suspend false", async () => (await suspended()).suspend === false);
    const before = (await cluster.executions.list(namespace)).items.length;
    await page.getByRole("button", { name: "Run now" }).click();
    await waitFor(
      "a new execution",
      async () => (await cluster.executions.list(namespace)).items.length === before + 1,
    );
  });

  it("cancels a selection in bulk after a confirm naming the count", async () => {
    await page.goto(new URL("/executions?prefix=order-running", ui.url).href);
    await page.getByLabel("select order-running-1").check();
    await page.getByRole("button", { name: "Cancel selected…" }).click();
    await page.getByRole("button", { name: "Yes, cancel 1" }).click();
    await page.getByText("Cancelled 1").waitFor();
    expect((await cluster.get("order-running-1"))?.spec.cancelRequested).toBe(true);
    expect((await cluster.get("order-running"))?.spec.cancelRequested).toBeUndefined();
  });

  it("can be used from the keyboard alone: list → detail → parent, and the start form", async () => {
    await page.goto(new URL("/executions?prefix=order-running-1", ui.url).href);
    await page.locator('tr[data-name="order-running-1"]').waitFor();
    const focusOn = async (text: string) =>
      waitFor(`focus on "${text}"`, async () => {
        await page.keyboard.press("Tab");
        return (await page.evaluate(() => document.activeElement?.textContent?.trim())) === text;
      });
    await focusOn("order-running-1");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: /order-running-1/ }).waitFor();
    await focusOn("order-running");
    await page.keyboard.press("Enter");
    await page.getByTestId("children").waitFor();
    await focusOn("Start");
    await page.keyboard.press("Enter");
    await page.getByLabel("Function").focus();
    await page.keyboard.press("Control+A");
    await page.keyboard.type("chargeCard");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Control+A");
    await page.keyboard.type('{"amount": 5}');
    await page.keyboard.press("Control+Enter");
    await page.waitForURL(/\/executions\/charge-card-/);
    const name = decodeURIComponent(new URL(page.url()).pathname.split("/").at(-1)!);
    expect((await cluster.get(name))?.spec.arguments).toEqual({ amount: 5 });
  });
});
