// `npm run bench:deploy`: whole commands as a user types them, on this machine, in one run.
// - `kontinue deploy` of 20 Functions to Ready on devcluster (process runner, the controller): cold, no change,
//   one changed file;
// - `kontinue build` of the same (cold, no change, one changed) against `docker build` + `docker push` of an esbuild
//   bundle with a two-line Dockerfile (FROM the base, COPY the bundle) on the test Docker engine, same registry;
// - `kontinue dev`: start → first worker Ready, save → the new revision's worker Ready.
// Needs the services (`npx tsx scripts/services.ts start`).
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { execFile, spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { build as esbuild } from "esbuild";
import { startController } from "../controller/index.ts";
import { applyCrds, serveDevCluster } from "../test/fixtures/devcluster-fixture.ts";
import { nodeBaseImage } from "../test/fixtures/node-base-image.ts";
import { dockerFixture, registryFixture } from "../test/fixtures/services.ts";

const COUNT = 20;
const repository = fileURLToPath(new URL("..", import.meta.url));
const cli = join(repository, "bin/kontinue.js");
const runFile = promisify(execFile);

function functionSource(i: number, variant = 0): string {
  return `import { defineFunction } from "kontinue";

export default defineFunction({
  concurrency: ${4 + (i % 3)},
  async run(ctx, args: { n: number }) {
    const doubled = await ctx.store("double", () => args.n * 2 + ${variant});
    return { fn: ${i}, doubled };
  },
});
`;
}

const names = Array.from({ length: COUNT }, (_, i) => `fn${String(i).padStart(2, "0")}`);
const temporaryDirs: string[] = [];
async function temporary(name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `kontinue-bench-deploy-${name}-`));
  temporaryDirs.push(dir);
  return dir;
}

async function timed(what: string, work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  const ms = performance.now() - start;
  console.log(`  ${what}: ${(ms / 1000).toFixed(2)} s`);
  return ms;
}

/** Runs `kontinue …` to its end, as typed in a shell. */
async function kontinue(args: string[], env: Record<string, string>): Promise<void> {
  await runFile(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
}

async function docker(args: string[], input?: string): Promise<void> {
  const env = { ...process.env, DOCKER_HOST: `unix://${socketPath}`, DOCKER_BUILDKIT: "0" };
  const child = spawn("docker", args, { env, stdio: [input === undefined ? "ignore" : "pipe", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk));
  if (input !== undefined) child.stdin!.end(input);
  const code = await new Promise((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`docker ${args.join(" ")} exited ${code}: ${stderr}`);
}

/** The conventional path for one Function: esbuild bundle, two-line Dockerfile, docker build, docker push. */
async function dockerPath(dir: string, name: string, image: string, noCache: boolean): Promise<void> {
  const context = join(dir, ".docker", name);
  await mkdir(context, { recursive: true });
  await esbuild({
    entryPoints: [join(dir, `${name}.ts`)],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile: join(context, "index.mjs"),
    alias: { kontinue: join(repository, "runtime/index.ts") },
    logLevel: "silent",
  });
  await writeFile(join(context, "Dockerfile"), `FROM ${base}\nCOPY index.mjs /app/index.mjs\n`);
  await docker(["build", "-q", ...(noCache ? ["--no-cache"] : []), "-t", image, context]);
  await docker(["push", "-q", image]);
}

async function dockerAll(dir: string, prefix: string, noCache: boolean): Promise<void> {
  for (const name of names) await dockerPath(dir, name, `${registry}/${prefix}/${name}:latest`, noCache);
}

/** Spawns `kontinue dev`, resolves when its output matches each pattern in turn, with the times. */
async function devTimes(project: string, change: () => Promise<void>): Promise<[number, number]> {
  const start = performance.now();
  const child = spawn(process.execPath, [cli, "dev"], {
    cwd: project,
    env: { ...process.env, XDG_CACHE_HOME: join(project, ".cache") },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const seen = (pattern: RegExp) =>
    new Promise<number>((resolve, reject) => {
      const check = () => {
        if (pattern.test(output)) resolve(performance.now());
        else if (child.exitCode !== null) reject(new Error(`kontinue dev exited: ${output}`));
        else setTimeout(check, 10);
      };
      check();
    });
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk));
  try {
    const ready = await seen(/^run one:/m);
    const saved = performance.now();
    await change();
    const restarted = await seen(/^restarting fn00/m);
    return [ready - start, restarted - saved];
  } finally {
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
  }
}

const { registry } = await registryFixture();
const { socketPath } = await dockerFixture();
const base = (await nodeBaseImage()).reference;
const stamp = Date.now().toString(36);
console.log(`kontinue deploy benchmark: ${COUNT} Functions, base ${base}, registry ${registry}`);
console.log(
  `machine: ${cpus().length} CPUs, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")} at start\n`,
);

const cluster = await serveDevCluster();
await applyCrds(cluster.kubeconfigPath);
const kubeConfig = new KubeConfig();
kubeConfig.loadFromFile(cluster.kubeconfigPath);
const namespace = `bench-deploy-${stamp}`;
await kubeConfig.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
const controller = await startController({ kubeConfig, namespace, leaderElection: "disabled", log: () => {} });

const dir = await temporary("functions");
for (const [i, name] of names.entries()) await writeFile(join(dir, `${name}.ts`), functionSource(i));
const change = (variant: number) => writeFile(join(dir, "fn05.ts"), functionSource(5, variant));

try {
  console.log("kontinue deploy (to Ready on devcluster, process runner):");
  const deployEnv = { XDG_CACHE_HOME: await temporary("deploy-cache") };
  const deployArgs = ["deploy", dir, "--registry", `${registry}/bench-deploy-${stamp}`, "--base", base];
  const kube = ["--kubeconfig", cluster.kubeconfigPath, "-n", namespace];
  const deployCold = await timed("cold", () => kontinue([...deployArgs, ...kube], deployEnv));
  const deployNoChange = await timed("no change", () => kontinue([...deployArgs, ...kube], deployEnv));
  await change(1);
  const deployOne = await timed("one changed file", () => kontinue([...deployArgs, ...kube], deployEnv));
  const floor = await timed("(floor: kontinue --version)", () => kontinue(["--version"], {}));

  console.log("\nkontinue build (push to the registry):");
  const buildEnv = { XDG_CACHE_HOME: await temporary("build-cache") };
  const buildArgs = ["build", dir, "--registry", `${registry}/bench-build-${stamp}`, "--base", base];
  const buildCold = await timed("cold", () => kontinue([...buildArgs, "--insecure-registry"], buildEnv));
  const buildNoChange = await timed("no change", () => kontinue([...buildArgs, "--insecure-registry"], buildEnv));
  await change(2);
  const buildOne = await timed("one changed file", () => kontinue([...buildArgs, "--insecure-registry"], buildEnv));

  console.log("\nesbuild + docker build + docker push, two-line Dockerfile (legacy builder), all 20:");
  await change(0);
  const dockerCold = await timed("cold (--no-cache)", () => dockerAll(dir, `bench-docker-${stamp}`, true));
  const dockerNoChange = await timed("no change", () => dockerAll(dir, `bench-docker-${stamp}`, false));
  await change(3);
  const dockerOne = await timed("one changed file", () => dockerAll(dir, `bench-docker-${stamp}`, false));
  await change(4);
  const dockerSingle = await timed("only the changed Function", () =>
    dockerPath(dir, "fn05", `${registry}/bench-docker-${stamp}/fn05:latest`, false),
  );

  console.log("\nkontinue dev (its own devcluster, registry and controller; process runner):");
  const project = await temporary("dev");
  await mkdir(join(project, "functions"));
  await writeFile(join(project, "functions/fn00.ts"), functionSource(0));
  const [devReady, devRestart] = await devTimes(project, () =>
    writeFile(join(project, "functions/fn00.ts"), functionSource(0, 1)),
  );
  console.log(`  start → first worker Ready: ${(devReady / 1000).toFixed(2)} s`);
  console.log(`  save → new revision's worker Ready: ${(devRestart / 1000).toFixed(2)} s`);

  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const ratio = (a: number, b: number) => `${(b / a).toFixed(1)}×`;
  const row = (label: string, ours: number, theirs: number, note = "") =>
    console.log(`${label.padEnd(29)}${s(ours).padEnd(12)}${s(theirs).padEnd(14)}${ratio(ours, theirs)}${note}`);
  console.log("\nsummary                      kontinue    docker path   ratio");
  row("build, cold", buildCold, dockerCold);
  row("build, no change", buildNoChange, dockerNoChange);
  row("build, one changed (all 20)", buildOne, dockerOne);
  row("build, one changed (just it)", buildOne, dockerSingle, "   (target ≥ 10×)");
  console.log(`deploy of 20, cold           ${s(deployCold)}`);
  console.log(`deploy of 20, no change      ${s(deployNoChange)}   (target ≤ 0.50 s; CLI start alone ${s(floor)})`);
  console.log(`deploy, one changed → Ready  ${s(deployOne)}   (target ≤ 2.00 s)`);
  console.log(`dev, start → worker Ready    ${s(devReady)}   (target ≤ 3.00 s)`);
  console.log(`dev, save → new worker Ready ${s(devRestart)}   (target ≤ 1.00 s)`);
  console.log(
    `load average at end: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
  );
} finally {
  await controller.stop();
  await cluster.stop();
  await Promise.all(temporaryDirs.map((made) => rm(made, { recursive: true, force: true })));
  await rm(cluster.dataDir, { recursive: true, force: true });
}
