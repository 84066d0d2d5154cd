// `kontinue dev` end to end, as a user runs it in a project folder: its own devcluster under .kontinue/, its own
// loopback registry, the controller and process-mode workers started from the images; a save redeploys.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Kubectl } from "../fixtures/kubectl.ts";
import { removeTemporaryDirs, temporaryDir } from "../fixtures/temporary-dirs.ts";
import { waitFor } from "../fixtures/wait-for.ts";
import { repository } from "../runtime/runtime-harness.ts";

const cli = join(repository, "bin/kontinue.js");

const greetSource = (word: string) => `import { defineFunction } from "kontinue";
export default defineFunction({
  async run(ctx, args: { name: string }) {
    return { greeting: await ctx.store("greet", () => "${word}, " + args.name) };
  },
});
`;

let project: string;
let dev: ChildProcess;
let output = "";

const kubeconfigOf = () => join(project, ".kontinue/cluster/kubeconfig");

function execute(args: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const kubeconfig = kubeconfigOf();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, "execute", "greet", args, "--wait", "--timeout", "60", "--kubeconfig", kubeconfig],
      { cwd: project, timeout: 90_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** What kubectl shows of the project's cluster, and the workers' previous logs: for a failure's message. */
async function clusterState(): Promise<string> {
  const kubectl = new Kubectl(kubeconfigOf());
  try {
    const { stdout } = await kubectl.run(["get", "functions,executions,deployments,pods", "-o", "wide"]);
    const pods = (await kubectl.run(["get", "pods", "-o", "name"])).stdout.trim().split("\n");
    const logs = await Promise.all(pods.map(async (pod) => (await kubectl.run(["logs", pod, "--previous"])).stdout));
    return `${stdout}\n${logs.join("\n")}`;
  } finally {
    kubectl.dispose();
  }
}

beforeAll(async () => {
  project = await temporaryDir("dev-project");
  await mkdir(join(project, "functions"));
  await writeFile(join(project, "functions/greet.ts"), greetSource("hello"));
  dev = spawn(process.execPath, [cli, "dev"], {
    cwd: project,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, XDG_CACHE_HOME: join(project, ".cache") },
  });
  dev.stdout!.on("data", (chunk: Buffer) => (output += chunk));
  dev.stderr!.on("data", (chunk: Buffer) => (output += chunk));
  await waitFor(
    "kontinue dev to have its worker Ready",
    () => output.includes("run one:") || dev.exitCode !== null,
    90_000,
  );
  expect(dev.exitCode, output).toBeNull();
});

afterAll(async () => {
  if (dev && dev.exitCode === null) {
    dev.kill("SIGTERM");
    await new Promise((resolve) => dev.once("exit", resolve));
  }
  await removeTemporaryDirs();
});

describe("kontinue dev", () => {
  it("deploys through Function → Deployment → Pod and says where kubectl and kontinue reach it", () => {
    expect(output).toContain("greet: Ready");
    expect(output).toMatch(/^ready in [\d.]+s$/m);
    expect(output).toContain(`KUBECONFIG=${join(project, ".kontinue/cluster/kubeconfig")} kubectl get`);
    expect(output).toMatch(/images in 127\.0\.0\.1:\d+\/fns/);
    expect(existsSync(join(project, ".kontinue/cluster/kubeconfig"))).toBe(true);
  });

  it("runs an execution in the deployed worker", async () => {
    const run = await execute('{"name":"ada"}');
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toEqual({ greeting: "hello, ada" });
  });

  it("a save deploys a new revision, new executions run it, and the old revision's worker goes at once", async () => {
    await writeFile(join(project, "functions/greet.ts"), greetSource("bonjour"));
    await waitFor(
      "the new revision to be Ready",
      () => /restarting greet: revision \w+ → \w+/.test(output),
      60_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; kontinue dev printed:\n${output}`);
    });
    const run = await execute('{"name":"ada"}');
    const state = run.stderr === "" ? "" : await clusterState();
    expect(run.stderr, `${output}\n${state}`).toBe("");
    expect(JSON.parse(run.stdout)).toEqual({ greeting: "bonjour, ada" });
    // dev's drainGraceSeconds is 0: the default 60 s would keep the first revision's Deployment past this wait.
    const kubectl = new Kubectl(kubeconfigOf());
    try {
      await waitFor(
        "only the new revision's Deployment to be left",
        async () => (await kubectl.run(["get", "deployments", "-o", "name"])).stdout.trim().split("\n").length === 1,
        30_000,
      );
    } finally {
      kubectl.dispose();
    }
  }, 120_000);

  it("stops cleanly on SIGTERM and removes its kubeconfig", async () => {
    dev.kill("SIGTERM");
    const code = await new Promise((resolve) => dev.once("exit", (exitCode) => resolve(exitCode)));
    expect(code).toBe(0);
    expect(existsSync(join(project, ".kontinue/cluster/kubeconfig"))).toBe(false);
  });
});
