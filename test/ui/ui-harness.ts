// Shared parts of the UI tests: Chromium through playwright-core, `kontinue ui` as a child process, a namespace of
// their own on the shared devcluster, and writes to Executions the way a worker makes them.
import { KubeConfig } from "@kubernetes/client-node";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { API_VERSION, type Execution, FUNCTION_LABEL, PLURALS, toResourceName } from "../../crds/index.ts";
import { createKubeHttp, type KubeHttp, ResourceClient } from "../../runtime/index.ts";
import { waitFor } from "../fixtures/wait-for.ts";

const repository = fileURLToPath(new URL("../..", import.meta.url));
export const chromiumPath = "/usr/bin/chromium";

/** Chromium is there, or this run is not CI (where a missing one must fail, not skip). */
/** Debian's Chromium; a machine without it fails these suites (never skips) with how to install it. */
export function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath))
    throw new Error(`${chromiumPath} is missing; install it with scripts/install-deps.sh (Debian's chromium)`);
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export interface UiProcess {
  url: string;
  port: number;
  child: ChildProcess;
  output(): string;
  /** SIGKILL, then wait for the exit: the browser's stream drops. */
  kill(): Promise<void>;
}

/** Runs `node bin/kontinue.js ui` and waits for the URL it prints. */
export async function startUiProcess(
  kubeconfig: string,
  namespace: string,
  options: { port?: number; token?: string; stateHome?: string } = {},
): Promise<UiProcess> {
  // The token file goes to a state folder of the test's own, not the user's, and the process runs outside any
  // project: a `.kontinue/` the other tests' `kontinue dev` left in the checkout would hold the token instead.
  const stateHome = options.stateHome ?? mkdtempSync(join(tmpdir(), "kontinue-ui-state-"));
  const child = spawn(
    process.execPath,
    [
      `${repository}bin/kontinue.js`,
      "ui",
      "--kubeconfig",
      kubeconfig,
      "-n",
      namespace,
      "--port",
      String(options.port ?? 0),
      ...(options.token ? ["--token", options.token] : []),
    ],
    {
      cwd: stateHome,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, XDG_STATE_HOME: stateHome },
    },
  );
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const url = await waitFor(
    `"kontinue ui" to print its URL`,
    () => {
      if (child.exitCode !== null) throw new Error(`kontinue ui exited ${child.exitCode}:\n${output}`);
      return output.match(/http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+/)?.[0];
    },
    60_000,
  );
  return {
    url,
    port: Number(new URL(url).port),
    child,
    output: () => output,
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await exited;
    },
  };
}

/** The Kubernetes side of a test: a namespace of its own, and Executions written as the API and workers do. */
export class TestCluster {
  readonly http: KubeHttp;
  readonly executions: ResourceClient<Execution>;
  readonly kubeConfig: KubeConfig;
  constructor(
    readonly kubeconfig: string,
    readonly namespace: string,
  ) {
    this.kubeConfig = new KubeConfig();
    this.kubeConfig.loadFromFile(kubeconfig);
    this.http = createKubeHttp(this.kubeConfig);
    this.executions = new ResourceClient<Execution>(this.http, PLURALS.executions);
  }

  async createNamespace(): Promise<void> {
    await this.http({
      method: "POST",
      path: "/api/v1/namespaces",
      body: { apiVersion: "v1", kind: "Namespace", metadata: { name: this.namespace } },
    });
  }

  create(
    name: string,
    fn: string,
    args: unknown,
    extra: { parent?: { name: string; step: number } } = {},
  ): Promise<Execution> {
    return this.executions.create(this.namespace, {
      apiVersion: API_VERSION,
      kind: "Execution",
      metadata: { name, namespace: this.namespace, labels: { [FUNCTION_LABEL]: toResourceName(fn) } },
      spec: { function: fn, arguments: args, ...(extra.parent ? { parent: extra.parent } : {}) },
    });
  }

  /** Writes the status as a worker would, on the latest version. */
  async setStatus(name: string, status: NonNullable<Execution["status"]>): Promise<Execution> {
    const current = (await this.executions.get(this.namespace, name))!;
    return this.executions.replaceStatus({ ...current, status });
  }

  get(name: string): Promise<Execution | undefined> {
    return this.executions.get(this.namespace, name);
  }
}

/** A journal entry as the runtime writes one. */
export function step(seq: number, name: string, startedAt: string, finishedAt?: string, value?: unknown) {
  return {
    seq,
    kind: "store" as const,
    name,
    status: finishedAt === undefined ? ("running" as const) : ("completed" as const),
    startedAt,
    ...(finishedAt === undefined ? {} : { finishedAt, value }),
    attempts: 1,
  };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** axe-core's serious and critical violations on the page as it is now. */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const result = await (
      window as unknown as { axe: { run(): Promise<{ violations: Array<Record<string, any>> }> } }
    ).axe.run();
    return result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n: { target: string[] }) => n.target.join(" ")).join(", ")})`);
  });
  return violations;
}
