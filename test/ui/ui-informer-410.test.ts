// A real 410 Gone behind `kontinue ui`'s server: a TCP proxy that can cut it off from a devcluster that keeps one
// second of watch history. The watches are cut, the cluster changes and compacts past the version the informers
// hold, the link comes back: they watch from that version, get 410, relist, and the browser gets a `reset` with the
// right rows.
import { KubeConfig } from "@kubernetes/client-node";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_VERSION, type Execution, PLURALS } from "../../crds/index.ts";
import { createKubeHttp, ResourceClient } from "../../runtime/index.ts";
import { buildUiApp, startUiServer, type UiServer } from "../../ui/index.ts";
import { applyCrds, type ServedDevCluster, serveDevCluster } from "../fixtures/devcluster-fixture.ts";
import { startTcpProxy, type TcpProxy } from "../fixtures/tcp-proxy.ts";
import { waitFor } from "../fixtures/wait-for.ts";
import { watchAnswer } from "../fixtures/watch-answer.ts";
import { launchChromium, TestCluster } from "./ui-harness.ts";

const namespace = "ui-410";
const executionsPath = `/apis/${API_VERSION}/namespaces/${namespace}/${PLURALS.executions}`;
let devcluster: ServedDevCluster;
let proxy: TcpProxy;
let cluster: TestCluster;
let ui: UiServer;
let browser: Browser;
const errors: string[] = [];

beforeAll(async () => {
  await buildUiApp();
  devcluster = await serveDevCluster({ watchHistorySeconds: 1 });
  await applyCrds(devcluster.kubeconfigPath);
  cluster = new TestCluster(devcluster.kubeconfigPath, namespace);
  await cluster.createNamespace();
  proxy = await startTcpProxy({ host: "127.0.0.1", port: devcluster.port });
  const proxied = new KubeConfig();
  proxied.loadFromFile(devcluster.kubeconfigPath);
  proxied.clusters = proxied.clusters.map((c) => ({ ...c, server: `https://127.0.0.1:${proxy.port}` }));
  ui = await startUiServer({
    kubeConfig: proxied,
    namespace,
    onError: (error) => errors.push((error as Error).message),
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await ui?.close();
  await proxy?.close();
  await devcluster?.stop();
});

/**
 * Reads the SSE stream until a `reset` carries `key`, and returns its keys. (A restarted informer resyncs once it
 * watches again, before the 410 has come back: that earlier reset still holds the cache as it was.)
 */
async function resetWith(response: Response, key: string): Promise<string[]> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    const found = [...text.matchAll(/event: reset\ndata: (.*)\n\n/g)]
      .map((m) => (JSON.parse(m[1]!) as Array<{ key: string }>).map((change) => change.key))
      .find((keys) => keys.includes(key));
    if (found !== undefined) return found;
    const { value, done } = await reader.read();
    if (done) throw new Error(`the stream ended without a reset holding "${key}"`);
    text += decoder.decode(value);
  }
}

describe("the UI's informers across a 410 Gone", () => {
  it("relist after the watch was cut and its version compacted: a reset, the right rows, no duplicates", async () => {
    await cluster.create("kept", "processOrder", {});
    const gone = await cluster.create("deleted-while-cut", "processOrder", {});
    const page = await (await browser.newContext()).newPage();
    await page.goto(ui.url);
    await page.locator('tr[data-name="deleted-while-cut"]').waitFor();
    const stream = await fetch(`http://127.0.0.1:${ui.port}/api/stream`, { headers: { "x-kontinue-token": ui.token } });
    const relisted = resetWith(stream, `${namespace}/created-while-cut`);

    proxy.hold();
    await cluster.executions.delete(namespace, "deleted-while-cut");
    await cluster.create("created-while-cut", "processOrder", {});
    // Writes elsewhere move the resourceVersion on until the informers' last version has left the history.
    const fillers = new ResourceClient<Execution>(createKubeHttp(cluster.kubeConfig), PLURALS.executions);
    await waitFor(
      "the informers' resourceVersion to be compacted (a watch from it answers 410)",
      async () => {
        await fillers.create("default", {
          apiVersion: API_VERSION,
          kind: "Execution",
          metadata: { generateName: "filler-" },
          spec: { function: "filler" },
        });
        return (await watchAnswer(cluster.kubeConfig, executionsPath, gone.metadata.resourceVersion!)) === 410;
      },
      30_000,
      300,
    );
    expect(errors.length).toBeGreaterThan(0);
    proxy.release();

    const keys = await relisted;
    expect(keys).toContain(`${namespace}/kept`);
    expect(keys).not.toContain(`${namespace}/deleted-while-cut`);
    expect(keys.length).toBe(new Set(keys).size);

    await page.locator('tr[data-name="created-while-cut"]').waitFor({ timeout: 30_000 });
    await page.locator('tr[data-name="deleted-while-cut"]').waitFor({ state: "detached" });
    const names = await page.locator("tr[data-name]").evaluateAll((rows) => rows.map((r) => r.dataset.name));
    const listed = (await cluster.executions.list(namespace)).items.map((e) => e.metadata.name);
    expect(names.length).toBe(new Set(names).size);
    expect(new Set(names)).toEqual(new Set(listed));
    // And the stream goes on live after the relist.
    await cluster.create("after-relist", "processOrder", {});
    await page.locator('tr[data-name="after-relist"]').waitFor();
  });
});
