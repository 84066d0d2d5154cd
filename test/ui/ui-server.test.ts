// The UI server's guards and its stream's recovery: the per-run token, the Origin check on writes, a forbidden
// action showing the Kubernetes API's message, and a reconnect whose id the server no longer knows → a fresh snapshot.
import { KubeConfig } from "@kubernetes/client-node";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { buildUiApp, startUiServer, type UiServer } from "../../ui/index.ts";
import { waitFor } from "../fixtures/wait-for.ts";
import { launchChromium, TestCluster } from "./ui-harness.ts";

const namespace = `ui-server-${Date.now().toString(36)}`;

let cluster: TestCluster;
let server: UiServer;
const base = () => `http://127.0.0.1:${server.port}`;
const cookie = () => ({ cookie: `kontinue-ui-token=${server.token}` });

beforeAll(async () => {
  cluster = new TestCluster(inject("kubeconfig"), namespace);
  await cluster.createNamespace();
  await buildUiApp();
  server = await startUiServer({ kubeConfig: cluster.kubeConfig, namespace });
});

afterAll(async () => {
  await server?.close();
});

describe("the UI server", () => {
  it("serves nothing without the token of the URL it printed, then keeps it in a cookie", async () => {
    expect((await fetch(`${base()}/api/stream`)).status).toBe(401);
    expect((await fetch(`${base()}/?token=wrong`)).status).toBe(401);
    const page = await fetch(server.url);
    expect(page.status).toBe(200);
    expect(page.headers.get("set-cookie")).toContain(`kontinue-ui-token=${server.token}; HttpOnly; SameSite=Strict`);
    expect(await page.text()).toContain('<script type="module" src="/assets/app.js">');
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{32}$/);
  });

  it("refuses writes from another origin", async () => {
    const body = JSON.stringify({ function: "processOrder", arguments: { from: "elsewhere" } });
    const post = (origin: string) =>
      fetch(`${base()}/api/executions`, { method: "POST", headers: { ...cookie(), origin }, body });
    const refused = await post("http://evil.example");
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: string }).error).toContain('origin "http://evil.example"');
    const accepted = await post(base());
    expect(accepted.status).toBe(200);
    const created = (await accepted.json()) as { metadata: { name: string } };
    expect((await cluster.get(created.metadata.name))?.spec.arguments).toEqual({ from: "elsewhere" });
    const items = (await cluster.executions.list(namespace)).items;
    expect(items.filter((e) => (e.spec.arguments as { from?: string })?.from === "elsewhere")).toHaveLength(1);
  });

  it("lists rows without journals, arguments or results", async () => {
    await cluster.create("projected", "processOrder", { secret: "x".repeat(5000) });
    await cluster.setStatus("projected", { phase: "Completed", attempt: 1, result: { big: "y".repeat(5000) } });
    const controller = new AbortController();
    const response = await fetch(`${base()}/api/stream`, { headers: cookie(), signal: controller.signal });
    const reader = response.body!.getReader();
    let text = "";
    while (!text.includes("event: reset")) text += new TextDecoder().decode((await reader.read()).value);
    while (!/event: reset\ndata: .*\n\n/.test(text)) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    const data = text.match(/event: reset\ndata: (.*)\n\n/)![1]!;
    const row = (JSON.parse(data) as Array<{ key: string; row: Record<string, unknown> }>).find(
      (change) => change.key === `${namespace}/projected`,
    )!.row;
    expect(row).toMatchObject({ name: "projected", function: "processOrder" });
    expect(JSON.stringify(row)).not.toContain("xxxx");
    expect(JSON.stringify(row)).not.toContain("yyyy");
  });
});

describe("the UI server in Chromium", () => {
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    browser = await launchChromium();
    page = await (await browser.newContext()).newPage();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("after a restart sends a snapshot for the id it cannot resume: deletions seen, no duplicates", async () => {
    await cluster.create("relist-kept", "processOrder", {});
    await cluster.create("relist-deleted", "processOrder", {});
    await page.goto(server.url);
    await page.locator('tr[data-name="relist-deleted"]').waitFor();
    const { port, token } = server;
    await server.close();
    await page.getByTestId("stale-banner").waitFor({ timeout: 30_000 });
    await cluster.executions.delete(namespace, "relist-deleted");
    await cluster.create("relist-new", "processOrder", {});
    server = await startUiServer({ kubeConfig: cluster.kubeConfig, namespace, port, token });
    await page.getByTestId("stale-banner").waitFor({ state: "detached", timeout: 30_000 });
    await page.locator('tr[data-name="relist-new"]').waitFor();
    await page.locator('tr[data-name="relist-deleted"]').waitFor({ state: "detached" });
    const names = await page.locator("tr[data-name]").evaluateAll((rows) => rows.map((r) => r.dataset.name));
    const listed = (await cluster.executions.list(namespace)).items.map((e) => e.metadata.name);
    expect(names.length).toBe(new Set(names).size);
    expect(new Set(names)).toEqual(new Set(listed));
  });

  it("a resync (a relist after 410 Gone) replaces the browser's rows and the stream carries on", async () => {
    await page.locator('tr[data-name="relist-kept"]').waitFor();
    server.resync();
    await cluster.create("after-resync", "processOrder", {});
    await page.locator('tr[data-name="after-resync"]').waitFor();
    const names = await page.locator("tr[data-name]").evaluateAll((rows) => rows.map((r) => r.dataset.name));
    expect(names.length).toBe(new Set(names).size);
  });

  it("shows the Kubernetes API's message when RBAC forbids an action", async () => {
    const { http } = cluster;
    const rbac = `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}`;
    await http({
      method: "POST",
      path: `${rbac}/roles`,
      body: {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "Role",
        metadata: { name: "kontinue-viewer" },
        rules: [{ apiGroups: ["kontinue.cloud"], resources: ["*"], verbs: ["get", "list", "watch"] }],
      },
    });
    await http({
      method: "POST",
      path: `${rbac}/rolebindings`,
      body: {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: { name: "kontinue-viewer" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "kontinue-viewer" },
        subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: "ui-viewer" }],
      },
    });
    const viewer = new KubeConfig();
    viewer.loadFromFile(cluster.kubeconfig);
    const user = viewer.getCurrentUser()!;
    viewer.users = viewer.users.map((u) => (u.name === user.name ? { ...u, impersonateUser: "ui-viewer" } : u));
    const readOnly = await startUiServer({ kubeConfig: viewer, namespace });
    try {
      await page.goto(readOnly.url.replace("/?", "/executions/relist-kept?"));
      await page.getByRole("button", { name: "Cancel", exact: true }).click();
      const message = page.getByTestId("action-message");
      await message.waitFor();
      expect(await message.textContent()).toMatch(/not allowed to patch .*is forbidden: User "ui-viewer" cannot patch/);
      await waitFor("nothing changed", async () => (await cluster.get("relist-kept"))?.spec.cancelRequested !== true);
    } finally {
      await readOnly.close();
    }
  });

  it("says so when a restarted server no longer takes the page's token", async () => {
    await page.goto(server.url);
    await page.locator("[data-testid=freshness][data-state=live]").waitFor();
    const { port } = server;
    await server.close();
    server = await startUiServer({ kubeConfig: cluster.kubeConfig, namespace, port });
    await page
      .getByTestId("stale-banner")
      .getByText(/no longer accepts this page's token/)
      .waitFor({ timeout: 30_000 });
  });
});
