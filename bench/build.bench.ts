// `npm run bench:build`: kontinue build vs the conventional Dockerfile path for 20 generated Functions,
// in one run on this machine: cold build+push, no-change rebuild, one-file-change rebuild; bytes
// pushed; the hello Function's layer size; whether two clean builds give the same digests.
// Needs the services (`npx tsx scripts/services.ts start`). The conventional path uses the engine's
// /build API through dockerode, i.e. the legacy builder (no BuildKit), then /images/{name}/push.
import { execFile, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type Docker from "dockerode";
import { pack } from "tar-stream";
import {
  BuildCache,
  bundleFunction,
  bundleRuntime,
  buildFunctions,
  discoverFunctions,
  parsePushTarget,
  RegistryClient,
  RegistryPublisher,
  type FunctionSource,
} from "../builder/index.ts";
import { nodeBaseImage } from "../test/fixtures/node-base-image.ts";
import { dockerFixture, registryFixture } from "../test/fixtures/services.ts";

const COUNT = 20;
const repository = fileURLToPath(new URL("..", import.meta.url));
const registryStorage = "/var/lib/kontinue-test/registry-5000/storage";
const run = promisify(execFile);

function functionSource(i: number, variant = 0): string {
  return `import { defineFunction } from "kontinue";

export default defineFunction({
  concurrency: ${4 + (i % 3)},
  scaling: { maxReplicas: ${5 + i}, targetPendingPerReplica: 3 },
  async run(ctx, args: { n: number }) {
    const doubled = await ctx.store("double", () => args.n * 2 + ${variant});
    await ctx.sleep("1s");
    return { fn: ${i}, doubled };
  },
});
`;
}

async function generate(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "kontinue-bench-functions-"));
  await writeFile(join(dir, "hello.ts"), await readFile(join(repository, "builder/testdata/functions/hello.ts")));
  await writeFile(
    join(dir, "_greeting.ts"),
    await readFile(join(repository, "builder/testdata/functions/_greeting.ts")),
  );
  for (let i = 1; i < COUNT; i++) await writeFile(join(dir, `fn${String(i).padStart(2, "0")}.ts`), functionSource(i));
  return dir;
}

async function storedBytes(): Promise<number> {
  const { stdout } = await run("du", ["-sb", registryStorage]);
  return Number.parseInt(stdout, 10);
}

interface Timed<T> {
  ms: number;
  value: T;
  stored: number;
  /** Fastest of the repeated runs (= ms for a single run). */
  minMs: number;
}

/** Runs `prepare(i)` then times `work` `times` times; the run with the median time. */
async function median<T>(
  times: number,
  prepare: (i: number) => Promise<void>,
  work: () => Promise<T>,
): Promise<Timed<T>> {
  const runs: Array<Timed<T>> = [];
  for (let i = 0; i < times; i++) {
    await prepare(i);
    runs.push(await timed(work));
  }
  runs.sort((a, b) => a.ms - b.ms);
  return { ...runs[Math.floor(times / 2)]!, minMs: runs[0]!.ms };
}

async function timed<T>(work: () => Promise<T>): Promise<Timed<T>> {
  const before = await storedBytes();
  const start = performance.now();
  const value = await work();
  const ms = performance.now() - start;
  return { ms, value, stored: (await storedBytes()) - before, minMs: ms };
}

// ---- kontinue build, in process (the library the CLI calls) ----
async function kontinueBuild(dir: string, prefix: string, cacheDir: string, base: string, registry: string) {
  const target = parsePushTarget(`${registry}/${prefix}`);
  const publisher = new RegistryPublisher({ client: new RegistryClient({ registry, insecure: true }), target });
  const built = await buildFunctions({
    dir,
    base,
    target,
    insecureRegistry: true,
    cache: new BuildCache({ dir: cacheDir }),
    publishers: [publisher],
  });
  return { built, stats: publisher.stats };
}

// ---- kontinue build, the whole CLI command (process start included) ----
function kontinueCommand(dir: string, prefix: string, cacheDir: string, base: string, registry: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        join(repository, "bin/kontinue.js"),
        "build",
        dir,
        "--registry",
        `${registry}/${prefix}`,
        "--base",
        base,
        "--insecure-registry",
      ],
      {
        env: { ...process.env, XDG_CACHE_HOME: cacheDir },
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`kontinue build exited ${code}: ${stderr}`)),
    );
  });
}

// ---- the conventional path: Dockerfile FROM base + COPY of the same bundle, docker build, docker push ----
async function tarOf(files: Record<string, Buffer>): Promise<Buffer> {
  const tar = pack();
  const chunks: Buffer[] = [];
  tar.on("data", (c: unknown) => chunks.push(c as Buffer));
  const done = new Promise<void>((resolve) => tar.on("end", () => resolve()));
  for (const [name, data] of Object.entries(files)) tar.entry({ name, size: data.length, mode: 0o644 }, data);
  tar.finalize();
  await done;
  return Buffer.concat(chunks);
}

async function follow(docker: Docker, stream: NodeJS.ReadableStream): Promise<void> {
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (error: Error | null, output: Array<{ error?: string }>) => {
      const failed = error ?? (output.find((o) => o.error) ? new Error(output.find((o) => o.error)!.error) : null);
      if (failed) reject(failed);
      else resolve();
    }),
  );
}

async function conventionalContexts(sources: readonly FunctionSource[], base: string): Promise<Map<string, Buffer>> {
  const runtime = await bundleRuntime({ nodeMajor: 20 });
  const dockerfile =
    `FROM ${base}\nWORKDIR /app\nCOPY node_modules/kontinue/ /app/node_modules/kontinue/\nCOPY ` +
    `index.mjs index.mjs.map package.json /app/\nUSER 65532\nENTRYPOINT ["node", "--enable-source-maps", ` +
    `"/app/index.mjs"]\n`;
  const contexts = new Map<string, Buffer>();
  for (const source of sources) {
    const bundle = await bundleFunction({ source, nodeMajor: 20 });
    contexts.set(
      source.resourceName,
      await tarOf({
        Dockerfile: Buffer.from(dockerfile),
        "node_modules/kontinue/package.json": Buffer.from(
          JSON.stringify({ name: "kontinue", type: "module", exports: { ".": "./index.mjs" } }),
        ),
        "node_modules/kontinue/index.mjs": runtime.code,
        "node_modules/kontinue/index.mjs.map": runtime.map,
        "index.mjs": bundle.code,
        "index.mjs.map": bundle.map,
        "package.json": Buffer.from('{"type":"module"}\n'),
      }),
    );
  }
  return contexts;
}

async function conventionalBuild(
  docker: Docker,
  contexts: Map<string, Buffer>,
  registry: string,
  prefix: string,
  nocache: boolean,
): Promise<string[]> {
  const digests: string[] = [];
  for (const [name, context] of contexts) {
    const tag = `${registry}/${prefix}/${name}:latest`;
    await follow(
      docker,
      await docker.buildImage(context as unknown as NodeJS.ReadableStream, { t: tag, nocache, version: "1" }),
    );
    const push = await docker.getImage(tag).push({ authconfig: { serveraddress: registry } });
    let digest = "";
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(
        push,
        (error: Error | null, output: Array<{ error?: string; aux?: { Digest?: string } }>) => {
          const failure = output.find((o) => o.error);
          if (error || failure) return reject(error ?? new Error(failure!.error));
          digest = output.find((o) => o.aux?.Digest)?.aux?.Digest ?? "";
          resolve();
        },
      ),
    );
    digests.push(digest);
  }
  return digests;
}

const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

const { registry } = await registryFixture();
const { docker } = await dockerFixture();
const base = (await nodeBaseImage()).reference;
const temporaryDirs: string[] = [];
const temporary = async (name: string) => {
  const made = await mkdtemp(join(tmpdir(), `kontinue-bench-${name}-`));
  temporaryDirs.push(made);
  return made;
};
const dir = await generate();
temporaryDirs.push(dir);
const stamp = Date.now().toString(36);
console.log(
  `kontinue build benchmark: ${COUNT} Functions, base ${base}, registry ${registry}, ${new Date().toISOString()}`,
);
console.log(
  `machine: ${cpus().length} CPUs, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")} at start\n`,
);

// kontinue, library (no-change and one-file change: median of 7)
let variant = 10;
const changeOne = async () => void (await writeFile(join(dir, "fn07.ts"), functionSource(7, variant++)));
const nothing = async () => {};
const cache = await temporary("cache");
const cold = await timed(() => kontinueBuild(dir, `bench-${stamp}-lib`, cache, base, registry));
const noChange = await median(7, nothing, () => kontinueBuild(dir, `bench-${stamp}-lib`, cache, base, registry));
const oneChange = await median(7, changeOne, () => kontinueBuild(dir, `bench-${stamp}-lib`, cache, base, registry));
const hello = cold.value.built.find((b) => b.source.functionName === "hello")!;
const warmCold = await timed(() => kontinueBuild(dir, `bench-${stamp}-warm`, cache, base, registry));

// kontinue, whole CLI command (median of 3)
const cliCache = await temporary("cli-cache");
const cliCold = await timed(() => kontinueCommand(dir, `bench-${stamp}-cli`, cliCache, base, registry));
const cliNoChange = await median(3, nothing, () =>
  kontinueCommand(dir, `bench-${stamp}-cli`, cliCache, base, registry),
);
const cliOneChange = await median(3, changeOne, () =>
  kontinueCommand(dir, `bench-${stamp}-cli`, cliCache, base, registry),
);

// reproducibility of kontinue: two clean builds (fresh caches) of the same sources
const cleanDigests = async () => {
  const target = parsePushTarget(`${registry}/bench-${stamp}-repro`);
  const built = await buildFunctions({
    dir,
    base,
    target,
    insecureRegistry: true,
    cache: new BuildCache({ dir: await temporary("repro-cache") }),
  });
  return built.map((b) => b.image.root.descriptor.digest).join();
};
const [firstDigests, secondDigests] = [await cleanDigests(), await cleanDigests()];
const kontinueSame = firstDigests === secondDigests;

// conventional
const sources = await discoverFunctions(dir);
const contexts = await conventionalContexts(sources, base);
await follow(docker, await docker.pull(base));
const convCold = await timed(() => conventionalBuild(docker, contexts, registry, `bench-${stamp}-docker`, true));
const convNoChange = await timed(() => conventionalBuild(docker, contexts, registry, `bench-${stamp}-docker`, false));
const changedSource = sources.find((s) => s.functionName === "fn07")!;
const changedContexts = new Map(contexts);
const convOneChange = await median(
  3,
  async () => {
    await changeOne();
    changedContexts.set(
      changedSource.resourceName,
      (await conventionalContexts([changedSource], base)).get(changedSource.resourceName)!,
    );
  },
  () => conventionalBuild(docker, changedContexts, registry, `bench-${stamp}-docker`, false),
);
const convAgain = await conventionalBuild(docker, contexts, registry, `bench-${stamp}-docker2`, true);
const convSame = convAgain.every((d, i) => d === convCold.value[i]);

const rows: Array<[string, number, number, number, number, number]> = [
  ["cold build+push", cold.ms, cliCold.ms, convCold.ms, cold.value.stats.uploadedBytes, convCold.stored],
  [
    "no-change rebuild",
    noChange.ms,
    cliNoChange.ms,
    convNoChange.ms,
    noChange.value.stats.uploadedBytes,
    convNoChange.stored,
  ],
  [
    "one-file change",
    oneChange.ms,
    cliOneChange.ms,
    convOneChange.ms,
    oneChange.value.stats.uploadedBytes,
    convOneChange.stored,
  ],
];
console.log(
  "scenario            kontinue(lib)  kontinue(CLI)  docker build+push  ratio(lib)  ratio(CLI)  pushed kontinue  " +
    "stored by docker push",
);
for (const [name, lib, cli, conv, pushed, stored] of rows) {
  console.log(
    name.padEnd(20) +
      fmt(lib).padStart(13) +
      fmt(cli).padStart(15) +
      fmt(conv).padStart(19) +
      `${(conv / lib).toFixed(1)}×`.padStart(12) +
      `${(conv / cli).toFixed(1)}×`.padStart(12) +
      kb(pushed).padStart(17) +
      kb(stored).padStart(23),
  );
}
console.log(
  `\ncold build with a warm bundle cache into new repositories (base mounted, runtime uploaded ` +
    `once): ${fmt(warmCold.ms)}, pushed ${kb(warmCold.value.stats.uploadedBytes)}`,
);
console.log(
  `fastest repeated runs — kontinue(lib): no-change ${fmt(noChange.minMs)}, one-file change ${fmt(oneChange.minMs)}; ` +
    `kontinue(CLI): no-change ${fmt(cliNoChange.minMs)}, one-file change ${fmt(cliOneChange.minMs)}; docker one-file ` +
    `change ${fmt(convOneChange.minMs)}`,
);
console.log(
  `cold push blobs: uploaded ${cold.value.stats.uploadedBlobs}, mounted ${cold.value.stats.mountedBlobs}; one-file ` +
    `change uploaded ${oneChange.value.stats.uploadedBlobs} blobs, ${oneChange.value.stats.manifestsPut} manifest(s)`,
);
console.log(
  `hello Function layer: ${kb(hello.layerSize)} compressed (target ≤ 50 KB); shared runtime ` +
    `layer: ${kb(hello.image.images[0]!.layers.at(-2)!.size)}`,
);
console.log(`kontinue digests equal across two clean builds: ${kontinueSame}`);
console.log(`docker build digests equal across two clean builds: ${convSame}`);
console.log(
  `targets: one-file change ≥ 10× (lib ${(convOneChange.ms / oneChange.ms).toFixed(1)}×, ` +
    `CLI ${(convOneChange.ms / cliOneChange.ms).toFixed(1)}×); no-change ≤ 0.5 s (lib ${fmt(noChange.ms)}, ` +
    `CLI ${fmt(cliNoChange.ms)}); cold ≤ 2 s (lib ${fmt(cold.ms)}, CLI ${fmt(cliCold.ms)})`,
);
console.log(
  `load average at end: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}; repeated scenarios show the median run`,
);
await Promise.all(temporaryDirs.map((made) => rm(made, { recursive: true, force: true })));
for (const image of await docker.listImages()) {
  if (image.RepoTags?.some((tag) => tag.includes(`/bench-${stamp}-`)))
    await docker.getImage(image.Id).remove({ force: true });
}
