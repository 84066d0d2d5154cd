// `kontinue ui` keeps its token across restarts (a bookmarked URL keeps working), and a page without it gets a 401
// that says where the token is.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { buildUiApp } from "../../ui/index.ts";
import { startUiProcess, TestCluster, type UiProcess } from "./ui-harness.ts";

const namespace = `ui-token-${Date.now().toString(36)}`;
const stateHome = mkdtempSync(join(tmpdir(), "kontinue-ui-state-"));
let cluster: TestCluster;
let ui: UiProcess | undefined;

beforeAll(async () => {
  cluster = new TestCluster(inject("kubeconfig"), namespace);
  await cluster.createNamespace();
  await buildUiApp();
});

afterAll(async () => {
  await ui?.kill();
});

describe("kontinue ui's token", () => {
  it("survives a restart, is in the state folder with mode 0600, and a 401 page says where it is", async () => {
    ui = await startUiProcess(cluster.kubeconfig, namespace, { stateHome });
    const first = ui.url;
    const file = join(stateHome, "kontinue", "ui-token");
    expect(first).toContain(`?token=${readFileSync(file, "utf8").trim()}`);
    await ui.kill();
    ui = await startUiProcess(cluster.kubeconfig, namespace, { stateHome });
    expect(new URL(ui.url).searchParams.get("token")).toBe(new URL(first).searchParams.get("token"));
    const page = await fetch(ui.url);
    expect(page.status).toBe(200);

    const denied = await fetch(`http://127.0.0.1:${ui.port}/executions`);
    expect(denied.status).toBe(401);
    expect(denied.headers.get("content-type")).toContain("text/html");
    const banner = await denied.text();
    expect(banner).toContain('data-testid="token-banner"');
    expect(banner).toContain(`it is in &quot;${file}&quot;`);
    const api = await fetch(`http://127.0.0.1:${ui.port}/api/session`);
    expect(api.status).toBe(401);
    expect(((await api.json()) as { error: string }).error).toContain(file);
  });

  it("uses --token over the stored one", async () => {
    await ui?.kill();
    ui = await startUiProcess(cluster.kubeconfig, namespace, { stateHome, token: "0123456789abcdef0123" });
    expect(new URL(ui.url).searchParams.get("token")).toBe("0123456789abcdef0123");
    expect(readFileSync(join(stateHome, "kontinue", "ui-token"), "utf8").trim()).not.toBe("0123456789abcdef0123");
  });
});
