// KontinueClient against devcluster over real HTTP: create (idempotency keys, also under a race), get, list,
// wait by watch, cancel, signal, retry, and the errors a user meets (not found, forbidden, unreachable).
import { KubeConfig } from "@kubernetes/client-node";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestNamespace, type TestNamespace } from "../fixtures/test-namespace.ts";
import { createClient, type KontinueClient } from "../../client/index.ts";
import { type Execution, type ExecutionStatus, RETRY_OF_ANNOTATION } from "../../crds/index.ts";
import { createKubeHttp, defineFunction, kontinueResources } from "../../runtime/index.ts";

const kubeconfig = inject("kubeconfig");
const namespace = `client-${process.pid}`;

const greet = defineFunction({
  async run(_ctx, args: { name: string }) {
    return { greeting: `hello, ${args.name}` };
  },
});

describe("KontinueClient", () => {
  let client: KontinueClient;
  let dir: string;
  let testNamespace: TestNamespace | undefined;
  const executions = () => {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(kubeconfig);
    return kontinueResources(createKubeHttp(kubeConfig)).executions;
  };
  /** Plays the worker: writes the execution's status. */
  const writeStatus = async (name: string, status: ExecutionStatus): Promise<void> => {
    const current = (await executions().get(namespace, name))!;
    await executions().replaceStatus({ ...current, status });
  };

  beforeAll(async () => {
    testNamespace = await createTestNamespace(kubeconfig, namespace);
    client = createClient({ kubeconfig, namespace });
    dir = mkdtempSync(join(tmpdir(), "kontinue-client-"));
  });

  afterAll(async () => {
    client?.close();
    rmSync(dir, { recursive: true, force: true });
    await testNamespace?.remove();
  });

  it("creates an execution typed from the Function, labelled with its function, and reads it back", async () => {
    const created = await client.createExecution<typeof greet>("greet", { name: "Ada" });
    expect(created.metadata.name).toMatch(/^greet-/);
    expect(created.metadata.labels?.["kontinue.cloud/function"]).toBe("greet");
    expect(created.spec).toEqual({ function: "greet", arguments: { name: "Ada" } });
    const read = await client.getExecution(created.metadata.name!);
    expect(read.metadata.uid).toBe(created.metadata.uid);
  });

  it("returns the first execution for a second create with the same idempotency key", async () => {
    const first = await client.createExecution("greet", { name: "one" }, { idempotencyKey: "order-1" });
    const second = await client.createExecution("greet", { name: "two" }, { idempotencyKey: "order-1" });
    expect(second.metadata.uid).toBe(first.metadata.uid);
    expect(second.spec.arguments).toEqual({ name: "one" });
    const other = await client.createExecution("greet", { name: "three" }, { idempotencyKey: "order-2" });
    expect(other.metadata.uid).not.toBe(first.metadata.uid);
  });

  it("starts exactly one execution when many clients create with the same key at once", async () => {
    const clients = Array.from({ length: 4 }, () => createClient({ kubeconfig, namespace }));
    try {
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          clients[i % clients.length]!.createExecution("greet", { name: `racer ${i}` }, { idempotencyKey: "race" }),
        ),
      );
      expect(new Set(results.map((execution) => execution.metadata.uid)).size).toBe(1);
      const { items } = await client.list({ function: "greet" });
      expect(items.filter((execution) => execution.spec.idempotencyKey === "race")).toHaveLength(1);
    } finally {
      for (const each of clients) each.close();
    }
  });

  it("refuses a name that exists with another key", async () => {
    await client.createExecution("greet", null, { name: "taken" });
    await expect(client.createExecution("greet", null, { name: "taken", idempotencyKey: "k" })).rejects.toMatchObject({
      code: "CLIENT_CONFLICT",
      message: expect.stringContaining('"taken"'),
    });
  });

  it("waits by watch for the result", async () => {
    const created = await client.createExecution<typeof greet>("greet", { name: "Wait" });
    const name = created.metadata.name!;
    const result = client.waitForResult<typeof greet>(name, { timeoutMs: 30_000 });
    await writeStatus(name, { phase: "Executing", attempt: 1 });
    await writeStatus(name, { phase: "Completed", attempt: 1, result: { greeting: "hello, Wait" } });
    const value: { greeting: string } = await result;
    expect(value).toEqual({ greeting: "hello, Wait" });
  });

  it("resumes the watch when the server ends it", async () => {
    const short = createClient({ kubeconfig, namespace }, { watchTimeoutSeconds: 1 });
    try {
      const name = (await short.createExecution("greet", { name: "Resume" })).metadata.name!;
      let settled = false;
      const result = short.waitForResult(name, { timeoutMs: 30_000 }).finally(() => (settled = true));
      // Past two server-side watch timeouts: the wait must still be going, then see the change.
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(settled).toBe(false);
      await writeStatus(name, { phase: "Completed", result: 42 });
      expect(await result).toBe(42);
    } finally {
      short.close();
    }
  });

  it("throws ExecutionFailedError for a Failed execution, and times out with a clear error", async () => {
    const failed = (await client.createExecution("greet", { name: "Fail" })).metadata.name!;
    await writeStatus(failed, { phase: "Failed", error: { type: "Error", message: "card declined" } });
    await expect(client.waitForResult(failed)).rejects.toMatchObject({
      code: "CLIENT_EXECUTION_FAILED",
      message: expect.stringContaining("ended Failed: Error: card declined"),
    });
    const pending = (await client.createExecution("greet", null)).metadata.name!;
    await expect(client.waitForResult(pending, { timeoutMs: 500 })).rejects.toMatchObject({
      code: "CLIENT_WAIT_TIMEOUT",
    });
  });

  it("cancels, signals (once per id) and lists by phase", async () => {
    const name = (await client.createExecution("greet", null)).metadata.name!;
    expect((await client.signal(name, "approve", { ok: true }, { id: "s1" })).sent).toBe(true);
    expect(await client.signal(name, "approve", { ok: true }, { id: "s1" })).toEqual({ sent: false, id: "s1" });
    const cancelled = await client.cancel(name);
    expect(cancelled.spec.cancelRequested).toBe(true);
    expect(cancelled.spec.signals).toHaveLength(1);
    await writeStatus(name, { phase: "Cancelled" });
    const { items } = await client.list({ phase: "Cancelled" });
    expect(items.map((item) => item.metadata.name)).toEqual([name]);
  });

  it("retries a Failed execution as a new one with the same arguments, annotated retry-of", async () => {
    const old = (await client.createExecution("greet", { name: "again" }, { labels: { team: "a" } })).metadata.name!;
    await expect(client.retry(old)).rejects.toMatchObject({ code: "CLIENT_NOT_RETRYABLE" });
    await writeStatus(old, { phase: "Failed", error: { type: "Error", message: "flaky" } });
    const retried: Execution = await client.retry(old);
    expect(retried.metadata.name).not.toBe(old);
    expect(retried.metadata.annotations?.[RETRY_OF_ANNOTATION]).toBe(old);
    expect(retried.metadata.labels?.team).toBe("a");
    expect(retried.spec.arguments).toEqual({ name: "again" });
  });

  it("says which execution does not exist, and which function is unknown (listing the known)", async () => {
    await expect(client.getExecution("no-such-execution")).rejects.toMatchObject({
      code: "CLIENT_NOT_FOUND",
      message: expect.stringContaining(`execution "no-such-execution" does not exist in namespace "${namespace}"`),
    });
    await expect(client.findFunction("greet")).rejects.toMatchObject({
      code: "CLIENT_UNKNOWN_FUNCTION",
      message: expect.stringContaining("no functions are deployed there"),
    });
  });

  it("names the verb and resource RBAC forbids", async () => {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(kubeconfig);
    const user = kubeConfig.getCurrentUser()!;
    const context = kubeConfig.getContextObject(kubeConfig.getCurrentContext())!;
    kubeConfig.addUser({ ...user, name: "nobody", impersonateUser: "nobody" });
    kubeConfig.addContext({ ...context, name: "as-nobody", user: "nobody" });
    const file = join(dir, "nobody.yaml");
    writeFileSync(file, kubeConfig.exportConfig());
    const nobody = createClient({ kubeconfig: file, context: "as-nobody", namespace });
    try {
      await expect(nobody.createExecution("greet", null)).rejects.toMatchObject({
        code: "CLIENT_FORBIDDEN",
        verb: "create",
        resource: "executions.kontinue.cloud",
        message: expect.stringContaining("not allowed to create executions.kontinue.cloud in namespace"),
      });
    } finally {
      nobody.close();
    }
  });

  it("says the cluster is unreachable and how to start one", async () => {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(kubeconfig);
    const exported = JSON.parse(kubeConfig.exportConfig()) as { clusters: { cluster: { server: string } }[] };
    for (const entry of exported.clusters) entry.cluster.server = "https://127.0.0.1:1";
    const file = join(dir, "closed.yaml");
    writeFileSync(file, JSON.stringify(exported));
    const closed = createClient({ kubeconfig: file });
    await expect(closed.getExecution("x")).rejects.toMatchObject({
      code: "CLIENT_UNREACHABLE",
      message: expect.stringContaining('"kontinue dev"'),
    });
  });
});
