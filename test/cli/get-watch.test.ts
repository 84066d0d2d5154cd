// `kontinue get` as a user runs it (bin/kontinue.js, stdout a pipe, not a TTY) against a devcluster of its own that
// keeps one second of history, reached through a proxy the test can cut: the CRDs missing (says
// "kontinue install"), --chunk-size (paged lists, 0, a negative refused), and -w: rows aligned under the first
// page's columns (widened only when a cell needs it), -o json|yaml printing each object, and a watch whose
// resourceVersion left the history while the server was away re-listing and printing only what changed.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { API_VERSION, type Execution, PLURALS } from "../../crds/index.ts";
import { createKubeHttp, type KubeHttp, kontinueResources } from "../../runtime/index.ts";
import { applyCrds, loadKubeConfig, type ServedDevCluster, serveDevCluster } from "../fixtures/devcluster-fixture.ts";
import { startTcpProxy, type TcpProxy } from "../fixtures/tcp-proxy.ts";
import { waitFor } from "../fixtures/wait-for.ts";
import { watchAnswer } from "../fixtures/watch-answer.ts";

const cli = fileURLToPath(new URL("../../bin/kontinue.js", import.meta.url));
const executionsPath = `/apis/${API_VERSION}/namespaces/default/${PLURALS.executions}`;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A `kontinue get … -w` whose output is read as it comes. */
interface Watching {
  stdout(): string;
  waitFor(pattern: RegExp, what: string): Promise<void>;
  stop(): Promise<void>;
}

describe("kontinue get: paging and -w", { timeout: 180_000 }, () => {
  let cluster: ServedDevCluster;
  let proxy: TcpProxy;
  let dir: string;
  let kubeconfig: string;
  let http: KubeHttp;
  const children: ChildProcess[] = [];

  const kontinue = (args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        [cli, ...args, "--kubeconfig", kubeconfig],
        { timeout: 60_000 },
        (error, stdout, stderr) =>
          resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  const watch = (args: string[]): Watching => {
    const child = spawn(process.execPath, [cli, "get", ...args, "-w", "--kubeconfig", kubeconfig], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
    return {
      stdout: () => stdout,
      waitFor: (pattern, what) =>
        waitFor(what, () => pattern.test(stdout), 30_000, 50).then(
          () => undefined,
          (error: Error) => {
            throw new Error(`${error.message}; stdout:\n${stdout}\nstderr:\n${stderr}`);
          },
        ),
      async stop() {
        child.kill("SIGINT");
        await exited;
      },
    };
  };
  const executions = () => kontinueResources(http).executions;
  const create = (name: string): Promise<Execution> =>
    executions().create("default", {
      apiVersion: API_VERSION,
      kind: "Execution",
      metadata: { name },
      spec: { function: "greet" },
    });
  const setPhase = async (name: string, phase: "Executing" | "Completed"): Promise<Execution> => {
    const current = (await executions().get("default", name))!;
    return executions().replaceStatus({ ...current, status: { ...current.status, phase } });
  };

  beforeAll(async () => {
    cluster = await serveDevCluster({ watchHistorySeconds: 1 });
    proxy = await startTcpProxy({ host: "127.0.0.1", port: cluster.port });
    dir = mkdtempSync(join(tmpdir(), "kontinue-get-watch-"));
    kubeconfig = join(dir, "kubeconfig");
    writeFileSync(
      kubeconfig,
      readFileSync(cluster.kubeconfigPath, "utf8").replace(`:${cluster.port}`, `:${proxy.port}`),
    );
    http = createKubeHttp(loadKubeConfig(cluster.kubeconfigPath));
  });

  afterAll(async () => {
    for (const child of children) child.kill("SIGKILL");
    await proxy?.close();
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("says to run kontinue install when the CRDs are not there", async () => {
    for (const kind of ["executions", "revisions"]) {
      const missing = await kontinue(["get", kind]);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain("are not installed");
      expect(missing.stderr).toContain('"kontinue install"');
    }
    await applyCrds(cluster.kubeconfigPath);
    for (const name of ["a-1", "a-2", "a-3", "a-4", "a-5"]) await create(name);
  });

  it("lists in chunks of --chunk-size (0: one request) and refuses a negative size", async () => {
    for (const size of ["2", "0"]) {
      const listed = await kontinue(["get", "executions", "--chunk-size", size, "-o", "json"]);
      expect(listed.code).toBe(0);
      const list = JSON.parse(listed.stdout) as { kind: string; items: Execution[] };
      expect(list.kind).toBe("List");
      expect(list.items.map((item) => item.metadata.name)).toEqual(["a-1", "a-2", "a-3", "a-4", "a-5"]);
    }
    const table = await kontinue(["get", "executions", "--chunk-size", "2"]);
    expect(table.stdout.trim().split("\n")).toHaveLength(6);
    for (const bad of ["--chunk-size=-1", "--chunk-size=many"]) {
      const refused = await kontinue(["get", "executions", bad]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("--chunk-size");
      expect(refused.stderr).toContain("is not a number of objects; use 0 or more");
    }
  });

  it("-w keeps rows under the first page's columns, widens a column only for a longer cell", async () => {
    const watching = watch(["executions", "--chunk-size", "2"]);
    try {
      await watching.waitFor(/^a-5 .*\n/m, "the listed rows");
      const long = "a-very-long-execution-name-0123456789";
      await create(long);
      await watching.waitFor(new RegExp(`^${long} .*\\n`, "m"), "the new execution's row");
      await setPhase("a-2", "Executing");
      await watching.waitFor(/^a-2 .*Executing.*\n/m, "the changed row");
      const lines = watching.stdout().trimEnd().split("\n");
      const [header, ...rows] = lines;
      expect(header).toMatch(/^NAME\s+FUNCTION\s+PHASE\s+ATTEMPT\s+AGE$/);
      const headerStarts = starts(header!);
      // The five listed rows and the headers: one layout.
      for (const row of rows.slice(0, 5)) expect(starts(row)).toEqual(headerStarts);
      // The long name pushed every later column right, and the rows after it keep that width.
      const widened = starts(rows[5]!);
      expect(widened[1]).toBe(long.length + 3);
      expect(widened[1]).toBeGreaterThan(headerStarts[1]!);
      // The next row keeps those widths; its longer phase ("Executing" after "Pending") widens the PHASE column.
      const next = starts(rows[6]!);
      expect(next.slice(0, 3)).toEqual(widened.slice(0, 3));
      expect(next[3]).toBe(widened[2]! + "Executing".length + 3);
      expect(rows[6]).toMatch(/^a-2\s+greet\s+Executing\s/);
    } finally {
      await watching.stop();
    }
  });

  it("-w -o json and -o yaml print each object, the listed ones first, then each change", async () => {
    const json = watch(["executions", "-o", "json"]);
    const yaml = watch(["executions", "-o", "yaml"]);
    try {
      await json.waitFor(/"name": "a-very-long-execution-name-0123456789"/, "the listed objects as JSON");
      await yaml.waitFor(/name: a-very-long-execution-name-0123456789/, "the listed objects as YAML");
      await create("b-1");
      await json.waitFor(/"name": "b-1"/, "the new object as JSON");
      await yaml.waitFor(/name: b-1/, "the new object as YAML");
      const objects = json
        .stdout()
        .trim()
        .split(/\n(?=\{)/)
        .map((text) => JSON.parse(text) as Execution);
      expect(objects.map((object) => object.kind)).toEqual(Array(objects.length).fill("Execution"));
      expect(objects.map((object) => object.metadata.name)).toEqual([
        "a-1",
        "a-2",
        "a-3",
        "a-4",
        "a-5",
        "a-very-long-execution-name-0123456789",
        "b-1",
      ]);
      const documents = parseAllDocuments(yaml.stdout()).map((document) => document.toJS() as Execution);
      expect(documents.map((document) => document.metadata.name)).toEqual(objects.map((o) => o.metadata.name));
      expect(yaml.stdout().startsWith("apiVersion:")).toBe(true);
    } finally {
      await Promise.all([json.stop(), yaml.stop()]);
    }
  });

  it("-w re-lists after a 410 and prints only the objects that changed while it was away", async () => {
    const watching = watch(["executions"]);
    try {
      await watching.waitFor(/^b-1 .*\n/m, "the listed rows");
      const seen = await setPhase("a-3", "Executing");
      await watching.waitFor(/^a-3 .*Executing.*\n/m, "the change before the cut");
      proxy.hold();
      await setPhase("a-4", "Completed");
      // Writes of another kind move the resourceVersion on until the one the watch saw last has left the history.
      let fillers = 0;
      await waitFor(
        "the watch's resourceVersion to be compacted",
        async () => {
          await http({
            method: "POST",
            path: "/api/v1/namespaces/default/configmaps",
            body: { metadata: { name: `filler-${fillers++}` } },
          });
          const kubeConfig = loadKubeConfig(cluster.kubeconfigPath);
          return (await watchAnswer(kubeConfig, executionsPath, seen.metadata.resourceVersion!)) === 410;
        },
        30_000,
        300,
      );
      const before = watching.stdout();
      proxy.release();
      await watching.waitFor(/^a-4 .*Completed.*\n/m, "the row changed while away, from the re-list");
      await create("b-2");
      await watching.waitFor(/^b-2 .*\n/m, "a change after the re-list");
      const after = watching.stdout().slice(before.length).trimEnd().split("\n");
      expect(after.map((line) => line.split(/\s+/)[0])).toEqual(["a-4", "b-2"]);
    } finally {
      await watching.stop();
    }
  });
});

/** Where each cell of a table line starts (cells hold no spaces; columns are at least three spaces apart). */
function starts(line: string): number[] {
  return [...line.matchAll(/(?:^|(?<= {3}))\S/g)].map((match) => match.index);
}
