// The web UI in Chromium against `kontinue ui` on the shared devcluster: live rows, filters in the URL, the live
// timeline, child ↔ parent, the start form, cancel, retry, signal, and a dropped stream's banner and reconnect.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { buildUiApp } from "../../ui/index.ts";
import { Kubectl } from "../fixtures/kubectl.ts";
import { waitFor } from "../fixtures/wait-for.ts";
import { launchChromium, startUiProcess, step, TestCluster, type UiProcess } from "./ui-harness.ts";

const namespace = `ui-${Date.now().toString(36)}`;

describe("kontinue ui in Chromium", () => {
  let cluster: TestCluster;
  let kubectl: Kubectl;
  let ui: UiProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const open = async (path: string) => {
    await page.goto(new URL(path, ui.url).href);
    await page.getByTestId("freshness").and(page.locator("[data-state=live]")).waitFor();
  };
  const row = (name: string) => page.locator(`tr[data-name="${name}"]`);

  beforeAll(async () => {
    cluster = new TestCluster(inject("kubeconfig"), namespace);
    kubectl = new Kubectl(cluster.kubeconfig);
    await cluster.createNamespace();
    await buildUiApp();
    ui = await startUiProcess(cluster.kubeconfig, namespace);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    await page.goto(ui.url);
  });

  afterAll(async () => {
    await browser?.close();
    await ui?.kill();
    kubectl?.dispose();
  });

  it("shows an execution created through the API and follows it to Completed", async () => {
    await open("/executions");
    await cluster.create("live-one", "processOrder", { orderId: "1" });
    await row("live-one").waitFor();
    expect(await row("live-one").getAttribute("data-phase")).toBe("Pending");
    const started = new Date().toISOString();
    await cluster.setStatus("live-one", { phase: "Executing", attempt: 1, startedAt: started });
    await page.locator('tr[data-name="live-one"][data-phase="Executing"]').waitFor();
    await cluster.setStatus("live-one", {
      phase: "Completed",
      attempt: 1,
      startedAt: started,
      completedAt: new Date().toISOString(),
      result: { ok: true },
    });
    await page.locator('tr[data-name="live-one"][data-phase="Completed"]').waitFor();
    expect(page.url()).not.toContain("token=");
  });

  it("keeps the filters in the URL across a reload", async () => {
    await cluster.create("filter-pending", "chargeCard", {});
    await open("/executions");
    await row("filter-pending").waitFor();
    await page.getByLabel("Phase").selectOption("Completed");
    await page.getByLabel("Name prefix").fill("live-");
    await page.waitForURL(/phase=Completed.*prefix=live-/);
    await page.reload();
    await row("live-one").waitFor();
    expect(await page.getByLabel("Phase").inputValue()).toBe("Completed");
    expect(await page.getByLabel("Name prefix").inputValue()).toBe("live-");
    expect(await row("filter-pending").count()).toBe(0);
  });

  it("grows the step timeline live", async () => {
    await cluster.create("timeline", "processOrder", {});
    const t0 = new Date(Date.now() - 5_000).toISOString();
    const t1 = new Date(Date.now() - 3_000).toISOString();
    await cluster.setStatus("timeline", {
      phase: "Executing",
      attempt: 1,
      startedAt: t0,
      state: { steps: [step(0, "fetch-order", t0, t1, { total: 42 })] },
    });
    await open("/executions/timeline");
    const steps = page.getByTestId("steps-table").locator("tbody tr");
    await waitFor("one step", async () => (await steps.count()) === 1, 30_000);
    await cluster.setStatus("timeline", {
      phase: "Executing",
      attempt: 1,
      startedAt: t0,
      state: { steps: [step(0, "fetch-order", t0, t1, { total: 42 }), step(1, "charge", t1)] },
    });
    await waitFor("the second step", async () => (await steps.count()) === 2, 30_000);
    expect(await page.getByTestId("timeline").locator(".bar").count()).toBe(2);
    expect(await page.getByTestId("timeline").locator(".now-line").count()).toBeGreaterThan(0);
  });

  it("goes from a parent to its child and back", async () => {
    await cluster.create("family-parent", "processOrder", {});
    await cluster.create("family-parent-1", "chargeCard", {}, { parent: { name: "family-parent", step: 1 } });
    await open("/executions/family-parent");
    await page.getByTestId("children").getByRole("link", { name: "family-parent-1" }).click();
    await page.getByRole("heading", { name: /family-parent-1/ }).waitFor();
    await page.getByRole("link", { name: "family-parent", exact: true }).click();
    await page.getByTestId("children").waitFor();
    expect(new URL(page.url()).pathname).toBe("/executions/family-parent");
  });

  it("shows bad JSON inline and starts the execution for good JSON with Ctrl-Enter", async () => {
    await open("/start");
    await page.getByLabel("Function").fill("processOrder");
    const editor = page.getByLabel("Arguments (JSON)");
    await editor.fill('{"orderId": ');
    await page
      .getByTestId("json-error")
      .getByText(/Not valid JSON/)
      .waitFor();
    expect(await page.getByRole("button", { name: /^Start/ }).isDisabled()).toBe(true);
    await editor.fill('{"orderId": "from-the-form"}');
    await waitFor("the error to clear", async () => (await page.getByTestId("json-error").textContent()) === "");
    await editor.press("Control+Enter");
    await page.waitForURL(/\/executions\/process-order-/);
    const name = decodeURIComponent(new URL(page.url()).pathname.split("/").at(-1)!);
    const got = await kubectl.run(["get", "execution", name, "-n", namespace, "-o", "json"]);
    expect(got.code, got.stderr).toBe(0);
    expect(JSON.parse(got.stdout).spec.arguments).toEqual({ orderId: "from-the-form" });
  });

  it("cancels, retries (linked back) and signals from the detail view", async () => {
    await cluster.create("acted-on", "processOrder", { orderId: "7" });
    await cluster.setStatus("acted-on", { phase: "Suspended", attempt: 1, startedAt: new Date().toISOString() });
    await open("/executions/acted-on");
    await page.getByLabel("Signal name").fill("approved");
    await page.getByLabel("Payload (JSON)").fill('{"by": "ann"}');
    await page.getByRole("button", { name: "Send signal" }).click();
    await page.getByTestId("action-message").getByText("Signal sent.").waitFor();
    const signals = (await cluster.get("acted-on"))!.spec.signals ?? [];
    expect(signals.map((s) => [s.name, s.payload])).toEqual([["approved", { by: "ann" }]]);

    await page.getByRole("button", { name: "Cancel", exact: true }).click();
    await waitFor("cancelRequested", async () => (await cluster.get("acted-on"))?.spec.cancelRequested === true);
    // What the controller does with a cancel request for a parked execution (none runs here).
    await cluster.setStatus("acted-on", { phase: "Cancelled", attempt: 1, completedAt: new Date().toISOString() });

    await page.getByRole("button", { name: "Retry", exact: true }).click();
    await page.waitForURL((url) => url.pathname.startsWith("/executions/process-order-"));
    await page.getByRole("link", { name: "acted-on" }).waitFor();
    const retried = decodeURIComponent(new URL(page.url()).pathname.split("/").at(-1)!);
    const got = await kubectl.run(["get", "execution", retried, "-n", namespace, "-o", "json"]);
    const object = JSON.parse(got.stdout);
    expect(object.metadata.annotations["kontinue.cloud/retry-of"]).toBe("acted-on");
    expect(object.spec.arguments).toEqual({ orderId: "7" });
    await page.getByRole("link", { name: "acted-on" }).click();
    await page.getByText("Retried as").waitFor();
  });

  it("shows a stale banner when the stream drops and reconnects without duplicates", async () => {
    await open("/executions");
    await row("live-one").waitFor();
    const { port } = ui;
    const token = new URL(ui.url).searchParams.get("token")!;
    await ui.kill();
    await page.getByTestId("stale-banner").waitFor({ timeout: 30_000 });
    expect(await page.getByTestId("freshness").getAttribute("data-state")).toBe("stale");
    await cluster.create("while-down", "processOrder", {});
    // The same port and token, as a restarted `kontinue ui --port … --token …` has: the open page carries on.
    ui = await startUiProcess(cluster.kubeconfig, namespace, { port, token });
    await page.getByTestId("stale-banner").waitFor({ state: "detached", timeout: 30_000 });
    await row("while-down").waitFor();
    const names = await page
      .locator("tr[data-name]")
      .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-name")));
    const listed = await cluster.executions.list(namespace);
    expect(names.length).toBe(new Set(names).size);
    expect(new Set(names)).toEqual(new Set(listed.items.map((e) => e.metadata.name)));
  });
});
