// `npm run bench:ui`: the web UI with 1,000 executions cached, in Debian's Chromium against devcluster — first list
// render after navigation, write → DOM latency, a burst of 500 events, the longest task during it, and the reconnect
// after a server restart — against the targets.
import { rmSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import type { Page } from "playwright-core";
import type { Execution } from "../crds/index.ts";
import { createResourceInformer } from "../runtime/index.ts";
import { buildUiApp, startUiServer, type UiServer } from "../ui/index.ts";
import { applyCrds, serveDevCluster } from "../test/fixtures/devcluster-fixture.ts";
import { launchChromium, step, TestCluster } from "../test/ui/ui-harness.ts";

const targets = {
  firstRenderP95: 500,
  eventP50: 25,
  eventP95: 100,
  burstPainted: 250,
  longestTask: 200,
  reconnect: 3000,
};
const executions = 1_000;
const burst = 500;
const namespace = "bench-ui";

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]!;
}

async function pool<T>(items: readonly T[], width: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

/** Records, in the page, when rows change (name, attempt cell, time) and every long task. */
const recorder = `
  window.__changes = [];
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push([e.startTime, e.duration]);
  })
    .observe({ type: "longtask", buffered: true });
  new MutationObserver((records) => {
    const at = Date.now();
    if (window.__firstRow === undefined && document.querySelector("tr[data-name]"))
      window.__firstRow = performance.now();
    for (const record of records) {
      const node = record.target.nodeType === 1 ? record.target : record.target.parentElement;
      const row = node && node.closest && node.closest("tr[data-name]");
      if (row) window.__changes.push([row.dataset.name, row.children[4].textContent, at]);
    }
  }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
`;

function line(label: string, value: number, target: number, unit = "ms"): string {
  const verdict = value <= target ? "ok" : "MISSED";
  return `${label.padEnd(44)} ${value.toFixed(1).padStart(8)} ${unit}   target ≤ ${target} ${unit}   ${verdict}`;
}

async function main(): Promise<void> {
  const devcluster = await serveDevCluster();
  let server: UiServer | undefined;
  const browser = await launchChromium();
  try {
    await applyCrds(devcluster.kubeconfigPath);
    const cluster = new TestCluster(devcluster.kubeconfigPath, namespace);
    await cluster.createNamespace();
    const names = Array.from({ length: executions }, (_, i) => `bench-${String(i).padStart(4, "0")}`);
    const t0 = new Date(Date.now() - 60_000).toISOString();
    await pool(names, 16, async (name) => {
      await cluster.create(name, "processOrder", { orderId: name });
      await cluster.setStatus(name, { phase: "Pending", attempt: 0, state: { steps: [step(0, "fetch", t0, t0, 1)] } });
    });
    await buildUiApp();
    server = await startUiServer({ kubeConfig: cluster.kubeConfig, namespace });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addInitScript(recorder);
    const page: Page = await context.newPage();

    // First list render with data after navigation, from navigation start.
    const firstRender: number[] = [];
    for (let i = 0; i < 20; i++) {
      await page.goto(i === 0 ? server.url : new URL(`/executions?n=${i}`, server.url).href);
      await page.locator("tr[data-name]").first().waitFor();
      firstRender.push(await page.evaluate(() => (window as unknown as { __firstRow: number }).__firstRow));
    }
    await page.waitForFunction(
      (n) => document.querySelector("[data-testid=row-count]")?.textContent?.startsWith(n),
      String(executions),
    );

    // Write → DOM: one status write at a time to a row on screen, from the API's answer to the DOM's change.
    const changes = () =>
      page.evaluate(() => (window as unknown as { __changes: [string, string, number][] }).__changes);
    const visible = await page
      .locator("tr[data-name]")
      .evaluateAll((rows) => rows.slice(0, 5).map((r) => r.dataset.name!));
    // A watch of its own in this process tells when the API server's event reaches a watcher, as it reaches the UI's.
    const watched = new Map<string, number>();
    const watch = createResourceInformer<Execution>({
      kubeConfig: cluster.kubeConfig,
      client: cluster.executions,
      namespace,
      onChange: (e) => watched.set(`${e.metadata.name}/${e.status?.attempt}`, Date.now()),
    });
    await watch.start();
    const latencies: number[] = [];
    const fromEvent: number[] = [];
    for (let i = 1; i <= 60; i++) {
      const name = visible[i % visible.length]!;
      await cluster.setStatus(name, { phase: "Executing", attempt: i, startedAt: t0 });
      const acknowledged = Date.now();
      const seen = await waitForChange(changes, name, String(i));
      latencies.push(seen - acknowledged);
      const event = watched.get(`${name}/${i}`);
      if (event !== undefined) fromEvent.push(seen - event);
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    await watch.stop();

    // A burst of 500 events: 500 executions turn Executing; the filtered count shows when all are painted.
    await page.goto(new URL("/executions?phase=Failed", server.url).href);
    await page.locator("[data-testid=freshness][data-state=live]").waitFor();
    await page.evaluate(() => ((window as unknown as { __longTasks: unknown[] }).__longTasks.length = 0));
    const burstNames = names.slice(0, burst);
    const burstStart = Date.now();
    let lastAck = 0;
    await pool(burstNames, 32, async (name) => {
      await cluster.setStatus(name, { phase: "Failed", attempt: 1, error: { type: "Error", message: "bench" } });
      lastAck = Date.now();
    });
    await page.waitForFunction(
      (n) => document.querySelector("[data-testid=row-count]")?.textContent?.startsWith(n),
      String(burst),
      { polling: "raf", timeout: 60_000 },
    );
    const painted = Date.now();
    const longest = Math.max(
      0,
      ...(await page.evaluate(() => (window as unknown as { __longTasks: [number, number][] }).__longTasks)).map(
        ([, duration]) => duration,
      ),
    );

    // Reconnect after a server restart (same port and token, as `kontinue ui --port --token`).
    const { port, token } = server;
    await server.close();
    server = undefined;
    await page.locator("[data-testid=freshness][data-state=stale]").waitFor({ timeout: 30_000 });
    const restartAt = performance.now();
    server = await startUiServer({ kubeConfig: cluster.kubeConfig, namespace, port, token });
    const listening = performance.now();
    await page.locator("[data-testid=freshness][data-state=live]").waitFor({ timeout: 30_000 });
    const reconnected = performance.now();

    process.stdout.write(
      [
        `bench:ui — ${executions} executions cached, Chromium ${browser.version()}, ${cpus().length} cores, ` +
          `load ${loadavg()[0]!.toFixed(2)}`,
        line("first list render with data (p95 of 20)", percentile(firstRender, 0.95), targets.firstRenderP95),
        `  (p50 ${percentile(firstRender, 0.5).toFixed(1)} ms)`,
        line("watch event → DOM updated, p50", percentile(fromEvent, 0.5), targets.eventP50),
        line("watch event → DOM updated, p95", percentile(fromEvent, 0.95), targets.eventP95),
        `  (write acknowledged → DOM: p50 ${percentile(latencies, 0.5).toFixed(1)} ms, ` +
          `p95 ${percentile(latencies, 0.95).toFixed(1)} ms; ${fromEvent.length} of ${latencies.length} events timed)`,
        line(`burst of ${burst}: last write → all painted`, painted - lastAck, targets.burstPainted),
        `  (first write → all painted ${painted - burstStart} ms; ` +
          `the writes themselves took ${lastAck - burstStart} ms)`,
        line("longest task during the burst", longest, targets.longestTask),
        line("reconnect after a server restart", reconnected - restartAt, targets.reconnect),
        `  (server start ${(listening - restartAt).toFixed(0)} ms, ` +
          `then ${(reconnected - listening).toFixed(0)} ms to live)`,
        "",
      ].join("\n"),
    );
  } finally {
    await browser.close();
    await server?.close();
    await devcluster.stop();
    rmSync(devcluster.dataDir, { recursive: true, force: true });
  }
}

async function waitForChange(
  changes: () => Promise<[string, string, number][]>,
  name: string,
  attempt: string,
): Promise<number> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const found = (await changes()).find(([n, text]) => n === name && text === attempt);
    if (found !== undefined) return found[2];
    if (Date.now() > deadline) throw new Error(`row "${name}" never showed attempt ${attempt}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

await main();
