// The commands built on the client, run as a user runs them (bin/kontinue.js) against devcluster: execute,
// signal, get, describe, logs, cancel, retry; their -o yaml/json output parsed back, a table, and the errors
// a user meets (message and exit code), with nothing created when a flag is wrong.
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { execFile, spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parse } from "yaml";
import { idempotentName } from "../../client/index.ts";
import { API_VERSION, type Execution, type ExecutionStatus, type FunctionResource } from "../../crds/index.ts";
import { createKubeHttp, kontinueResources } from "../../runtime/index.ts";
import { waitFor } from "../fixtures/wait-for.ts";

const cli = fileURLToPath(new URL("../../bin/kontinue.js", import.meta.url));
const kubeconfig = inject("kubeconfig");
const namespace = `cli-client-${process.pid}`;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function kontinue(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; flags?: boolean } = {},
): Promise<Run> {
  const flags = options.flags === false ? [] : ["--kubeconfig", kubeconfig, "-n", namespace];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, ...args, ...flags],
      { timeout: 90_000, ...(options.cwd ? { cwd: options.cwd } : {}), ...(options.env ? { env: options.env } : {}) },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("client commands", { timeout: 240_000 }, () => {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kubeconfig);
  const { executions, functions } = kontinueResources(createKubeHttp(kubeConfig));
  let dir: string;

  const writeStatus = async (name: string, status: ExecutionStatus): Promise<void> => {
    const current = (await executions.get(namespace, name))!;
    await executions.replaceStatus({ ...current, status });
  };
  const names = async () => (await executions.list(namespace)).items.map((item) => item.metadata.name!).sort();

  beforeAll(async () => {
    await kubeConfig.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
    const fn: FunctionResource = {
      apiVersion: API_VERSION,
      kind: "Function",
      metadata: { name: "greet", namespace },
      spec: { image: `registry.example/greet@sha256:${"ab".repeat(32)}`, functionName: "greet" },
    };
    const created = await functions.create(namespace, fn);
    await functions.replaceStatus({
      ...created,
      status: {
        readyReplicas: 1,
        desiredReplicas: 1,
        pending: 2,
        executing: 1,
        activeRevision: "abababababababab",
        liveRevisions: [{ id: "abababababababab", desiredReplicas: 1, readyReplicas: 1, pending: 2, executing: 1 }],
        conditions: [{ type: "Ready", status: "True", reason: "WorkersReady" }],
      },
    });
    dir = mkdtempSync(join(tmpdir(), "kontinue-cli-client-"));
  });

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await kubeConfig
      .makeApiClient(CoreV1Api)
      .deleteNamespace({ name: namespace })
      .catch(() => undefined);
  });

  it("execute starts an execution, -o json parses back, and the same idempotency key gives the same one", async () => {
    const first = await kontinue(["execute", "greet", '{"name":"ada"}', "--idempotency-key", "k1", "-o", "json"]);
    expect(first.code, first.stderr).toBe(0);
    const execution = JSON.parse(first.stdout) as Execution;
    expect(execution.metadata.name).toBe(idempotentName("greet", "k1"));
    expect(execution.spec.arguments).toEqual({ name: "ada" });
    expect(execution.metadata).not.toHaveProperty("managedFields");
    const again = await kontinue(["execute", "greet", '{"name":"bob"}', "--idempotency-key", "k1"]);
    expect(again.stdout).toBe(`execution.kontinue.cloud/${execution.metadata.name} created\n`);
    expect((await executions.get(namespace, execution.metadata.name!))?.spec.arguments).toEqual({ name: "ada" });
  });

  it("execute --file reads the arguments; --wait prints the result once the execution completes", async () => {
    const file = join(dir, "args.json");
    writeFileSync(file, '{"name":"file"}');
    const name = idempotentName("greet", "wait-1");
    const waiting = kontinue(["execute", "greet", "--file", file, "--wait", "--idempotency-key", "wait-1"]);
    await waitFor("the execution to be created", () => executions.get(namespace, name), 60_000, 100);
    expect((await executions.get(namespace, name))?.spec.arguments).toEqual({ name: "file" });
    await writeStatus(name, { phase: "Completed", result: { greeting: "hello, file" } });
    const run = await waiting;
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ greeting: "hello, file" });
  });

  it("refuses bad input with one message and exit 1, creating nothing", async () => {
    const before = await names();
    const unknown = await kontinue(["execute", "nope", "{}"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(`there is no function "nope" in namespace "${namespace}"`);
    expect(unknown.stderr).toContain('the functions there are "greet"');
    const badJson = await kontinue(["execute", "greet", '{"name":\n 1 2}']);
    expect(badJson.code).toBe(1);
    expect(badJson.stderr).toContain("are not JSON: Expected ',' or '}' after property value in JSON at position 12");
    expect(badJson.stderr).toContain("(line 2, column 4)");
    const file = join(dir, "bad.json");
    writeFileSync(file, "{oops}");
    const badFile = await kontinue(["execute", "greet", "--file", file]);
    expect(badFile.stderr).toContain(`the arguments in "${file}" are not JSON`);
    const both = await kontinue(["execute", "greet", "{}", "--file", file]);
    expect(both.stderr).toContain("either on the command line or with --file");
    const timeout = await kontinue(["execute", "greet", "{}", "--wait", "--timeout", "0"]);
    expect(timeout.code).toBe(1);
    expect(timeout.stderr).toContain('--timeout "0" is not a positive number of seconds');
    const output = await kontinue(["execute", "greet", "{}", "-o", "table"]);
    expect(output.code).toBe(1);
    expect(output.stderr).toContain("Allowed choices are name, json, yaml");
    expect(await names()).toEqual(before);
  });

  it("get prints kubectl-style tables, -o yaml|json|name, and revisions from the Function's status", async () => {
    const table = await kontinue(["get", "functions"]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout.replace(/\S+\n$/, "<age>\n")).toBe(
      "NAME    FUNCTION   READY   REPLICAS   PENDING   EXECUTING   REVISION           AGE\n" +
        "greet   greet      True    1/1        2         1           abababababababab   <age>\n",
    );
    const yaml = parse((await kontinue(["get", "executions", "-o", "yaml"])).stdout) as {
      kind: string;
      items: Execution[];
    };
    expect(yaml.kind).toBe("List");
    expect(yaml.items.map((item) => item.metadata.name).sort()).toEqual(await names());
    const one = JSON.parse((await kontinue(["get", "kex", idempotentName("greet", "k1"), "-o", "json"])).stdout);
    expect(one.kind).toBe("Execution");
    const byLabel = await kontinue(["get", "executions", "-l", "kontinue.cloud/function=other", "-o", "name"]);
    expect(byLabel.stdout).toBe("");
    const revisions = await kontinue(["get", "revisions", "-o", "wide"]);
    expect(revisions.stdout).toMatch(/^FUNCTION\s+REVISION\s+ACTIVE\s+DESIRED\s+READY\s+PENDING\s+EXECUTING\s+AGE/);
    expect(revisions.stdout).toMatch(/\ngreet\s+abababababababab\s+true\s+1\s+1\s+2\s+1\s+<unknown>\s+0\s+<none>/);
    const wrong = await kontinue(["get", "widgets"]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('"widgets" is not something kontinue shows; use one of functions, executions');
  });

  it("get -w prints each change after the list", async () => {
    const watcher = spawn(process.execPath, [
      cli,
      "get",
      "executions",
      "-w",
      "-o",
      "name",
      "--kubeconfig",
      kubeconfig,
      "-n",
      namespace,
    ]);
    let out = "";
    watcher.stdout.on("data", (chunk: Buffer) => (out += chunk));
    try {
      const first = idempotentName("greet", "k1");
      await waitFor("the initial list", () => out.includes(first), 60_000, 100);
      const created = await executions.create(namespace, {
        apiVersion: API_VERSION,
        kind: "Execution",
        metadata: { name: "watched-one", labels: { "kontinue.cloud/function": "greet" } },
        spec: { function: "greet" },
      });
      await waitFor(
        "the new execution's line",
        () => out.includes(`execution.kontinue.cloud/${created.metadata.name}`),
        30_000,
      );
    } finally {
      watcher.kill("SIGINT");
    }
  });

  it("describe execution shows the step timeline and the suspension; describe function its revisions", async () => {
    const name = "described";
    await executions.create(namespace, {
      apiVersion: API_VERSION,
      kind: "Execution",
      metadata: { name },
      spec: { function: "greet", arguments: { name: "ada" } },
    });
    await writeStatus(name, {
      phase: "Suspended",
      attempt: 1,
      startedAt: "2026-01-01T00:00:00Z",
      state: {
        version: 2,
        steps: [
          {
            seq: 0,
            kind: "store",
            name: "fetch-order",
            status: "completed",
            value: { total: 12 },
            startedAt: "2026-01-01T00:00:00Z",
            finishedAt: "2026-01-01T00:00:00.250Z",
            attempts: 1,
          },
          {
            seq: 1,
            kind: "execute",
            name: "chargeCard",
            status: "waiting",
            child: "described-1",
            function: "chargeCard",
            startedAt: "2026-01-01T00:00:01Z",
            attempts: 0,
          },
        ],
      },
    });
    const { suspensions } = kontinueResources(createKubeHttp(kubeConfig));
    await suspensions.create(namespace, {
      apiVersion: API_VERSION,
      kind: "Suspension",
      metadata: { name },
      spec: { execution: name, reason: "Execute", children: ["described-1"] },
    });
    const run = await kontinue(["describe", "execution", name]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("Phase:     Suspended");
    expect(run.stdout).toContain("Suspended: Execute; waiting for described-1");
    expect(run.stdout).toMatch(/SEQ\s+KIND\s+NAME\s+STATUS\s+ATTEMPT\s+DURATION\s+VALUE\s+DETAIL/);
    expect(run.stdout).toMatch(/0\s+store\s+fetch-order\s+completed\s+1\s+250ms\s+12 B\s+-/);
    expect(run.stdout).toMatch(
      /1\s+execute\s+chargeCard\s+waiting\s+0\s+.+ so far\s+-\s+child described-1 \(chargeCard\)/,
    );
    const fn = await kontinue(["describe", "function", "greet"]);
    expect(fn.stdout).toContain("Active Revision: abababababababab");
    expect(fn.stdout).toMatch(/Revisions:\n\s+FUNCTION\s+REVISION/);
    const missing = await kontinue(["describe", "execution", "no-such"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`execution "no-such" does not exist in namespace "${namespace}"`);
  });

  it("signal, cancel and retry", async () => {
    const name = "to-cancel";
    await executions.create(namespace, {
      apiVersion: API_VERSION,
      kind: "Execution",
      metadata: { name },
      spec: { function: "greet", arguments: { n: 1 } },
    });
    const signal = await kontinue(["signal", name, "approve", '{"ok":true}', "--id", "s1"]);
    expect(signal.stdout).toBe(`sent signal "approve" (id s1) to execution "${name}"\n`);
    const cancel = await kontinue(["cancel", name]);
    expect(cancel.stdout).toBe(`execution "${name}" cancel requested\n`);
    expect((await executions.get(namespace, name))?.spec.cancelRequested).toBe(true);
    const notFailed = await kontinue(["retry", name]);
    expect(notFailed.code).toBe(1);
    expect(notFailed.stderr).toContain(`cannot retry execution "${name}" in namespace "${namespace}": it is Pending`);
    await writeStatus(name, { phase: "Failed", error: { type: "Error", message: "boom" } });
    const retry = await kontinue(["retry", name, "-o", "yaml"]);
    expect(retry.code, retry.stderr).toBe(0);
    const retried = parse(retry.stdout) as Execution;
    expect(retried.metadata.annotations?.["kontinue.cloud/retry-of"]).toBe(name);
    expect(retried.spec.arguments).toEqual({ n: 1 });
    const missing = await kontinue(["cancel", "no-such"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('execution "no-such" does not exist');
  });

  it("logs says when a function has no workers, and names what is neither an execution nor a function", async () => {
    const none = await kontinue(["logs", "greet"]);
    expect(none.code, none.stderr).toBe(0);
    expect(none.stderr).toContain(`function "greet" has no worker Pods in namespace "${namespace}"`);
    const neither = await kontinue(["logs", "nothing"]);
    expect(neither.code).toBe(1);
    expect(neither.stderr).toContain(`"nothing" is neither an execution nor a function in namespace "${namespace}"`);
    const tail = await kontinue(["logs", "greet", "--tail", "-1"]);
    expect(tail.stderr).toContain('--tail "-1" is not a number of lines');
  });

  it("finds the project's devcluster without any kubeconfig, and says so", async () => {
    const project = join(dir, "project");
    mkdirSync(join(project, ".kontinue", "cluster"), { recursive: true });
    mkdirSync(join(project, "functions"));
    copyFileSync(kubeconfig, join(project, ".kontinue", "cluster", "kubeconfig"));
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: join(dir, "empty-home") };
    delete env.KUBECONFIG;
    const run = await kontinue(["get", "functions", "-n", namespace, "-o", "name"], {
      cwd: join(project, "functions"),
      env,
      flags: false,
    });
    expect(run.code, run.stderr).toBe(0);
    const data = join(project, ".kontinue", "cluster");
    expect(run.stderr).toBe(`talking to the devcluster of this project (${data}), namespace "${namespace}"\n`);
    expect(run.stdout).toBe("function.kontinue.cloud/greet\n");
    const nowhere = await kontinue(["get", "functions"], { cwd: dir, env, flags: false });
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toContain("no cluster is configured");
    expect(nowhere.stderr).toContain('"kontinue dev"');
  });
});
