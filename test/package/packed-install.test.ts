// The published package as a user gets it: `npm pack`, installed from the tarball into an empty folder
// with a Function file. Plain node imports `kontinue`; commands that run no Function from source start
// without tsx or devcluster's native sqlite module; `build`, `dev` and `execute --wait` work from the
// install; a consumer's `tsc` type-checks against the published `.d.ts`.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { buildDist } from "../../scripts/build-dist.ts";
import { buildUiApp } from "../../ui/index.ts";
import { nodeBaseImage } from "../fixtures/node-base-image.ts";
import { removeTemporaryDirs, temporaryDir } from "../fixtures/temporary-dirs.ts";
import { waitFor } from "../fixtures/wait-for.ts";

const repository = fileURLToPath(new URL("../..", import.meta.url));
/** `kontinue/client` is published once client/index.ts exists (another part of the package). */
const hasClient = existsSync(join(repository, "client/index.ts"));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd, env: { ...process.env, ...env }, timeout: 240_000, maxBuffer: 64 << 20 },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const helloSource = `import { defineFunction } from "kontinue";
export default defineFunction({
  async run(ctx, args: { name: string }) {
    return { greeting: await ctx.store("greet", () => \`hello, \${args.name}\`) };
  },
});
`;

describe("the packed kontinue package, installed from its tarball", () => {
  let app: string;
  let packedFiles: string[];
  let xdgCache: string;
  const kontinue = (...args: string[]): Promise<Run> =>
    run(join(app, "node_modules/.bin/kontinue"), args, app, { XDG_CACHE_HOME: xdgCache });

  beforeAll(async () => {
    const work = await temporaryDir("packed");
    app = join(work, "app");
    xdgCache = join(work, "cache");
    await buildDist({ emit: "all" });
    await buildUiApp();
    // The build above is prepack's; --ignore-scripts keeps npm from running it twice more.
    const packed = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], repository);
    expect(packed.code, packed.stderr).toBe(0);
    const [{ filename, files }] = JSON.parse(packed.stdout) as [{ filename: string; files: { path: string }[] }];
    packedFiles = files.map((file) => file.path);
    await mkdir(join(app, "functions"), { recursive: true });
    await writeFile(join(app, "package.json"), '{ "name": "app", "private": true, "type": "module" }\n');
    await writeFile(join(app, "functions/hello.ts"), helloSource);
    // From npm's cache where CI's `npm ci` filled it; no install scripts, so no native build: better-sqlite3
    // is installed without its compiled module, as on a machine that could not build it.
    const install = await run(
      "npm",
      ["install", join(work, filename), "--prefer-offline", "--ignore-scripts", "--no-audit", "--no-fund"],
      app,
    );
    expect(install.code, install.stderr).toBe(0);
  }, 300_000);

  afterAll(removeTemporaryDirs);

  it("publishes the bundles, their maps and types, the bin scripts and nothing else", () => {
    // Data read at run time: the templates `kontinue new` copies, and the web UI's prebuilt app.
    const data = (path: string) => /^templates\/[a-z]+\//.test(path) || path.startsWith("ui/dist/");
    expect(packedFiles).toEqual(expect.arrayContaining(["templates/basic/sayHello.ts", "ui/dist/index.html"]));
    const outsideDist = packedFiles.filter((path) => !path.startsWith("dist/") && !data(path));
    expect(outsideDist.sort()).toEqual([
      "README.md",
      "bin/kontinue.js",
      "bin/resolve-kontinue.js",
      "devcluster/registry/builtin-schemas.json",
      "package.json",
    ]);
    // The runtime bundle for images, made at `npm run build`, so a deploy from the package does not bundle it.
    const runtimeImage = ["index.mjs", "index.mjs.map", "made-from.json"].map((file) => `dist/runtime-image/${file}`);
    expect(packedFiles).toEqual(expect.arrayContaining(runtimeImage));
    const distKinds = new Set(
      packedFiles
        .filter((path) => path.startsWith("dist/") && !runtimeImage.includes(path))
        .map((p) => p.replace(/^[^.]*/, "")),
    );
    expect([...distKinds].sort()).toEqual([".d.ts", ".js", ".js.map"]);
    expect(packedFiles).toEqual(
      expect.arrayContaining(["dist/cli/index.js", "dist/runtime/index.js", "dist/runtime/index.d.ts"]),
    );
    if (hasClient) expect(packedFiles).toEqual(expect.arrayContaining(["dist/client/index.js"]));
  });

  it("is imported by plain node and runs --version, execute --help, build without better-sqlite3 or tsx", async () => {
    const base = await nodeBaseImage();
    const hidden = ["better-sqlite3", "tsx"].map((name) => join(app, "node_modules", name));
    await Promise.all(hidden.map((path) => rename(path, `${path}.hidden`)));
    try {
      const unloadable = await run(process.execPath, ["--input-type=module", "-e", 'await import("tsx")'], app);
      expect(unloadable.stderr).toContain("ERR_MODULE_NOT_FOUND");
      const script =
        'const k = await import("kontinue"); console.log(typeof k.defineFunction, typeof k.runWorkerFromEnv);';
      const imported = await run(process.execPath, ["--input-type=module", "-e", script], app);
      expect(imported).toEqual({ code: 0, stdout: "function function\n", stderr: "" });
      const version = await kontinue("--version");
      expect(version).toEqual({ code: 0, stdout: "0.1.0\n", stderr: "" });
      const help = await kontinue("execute", "--help");
      expect(help.stderr).toBe("");
      expect(help.stdout).toContain("--idempotency-key <key>");
      const build = await kontinue(
        "build",
        "functions",
        "--registry",
        `${base.registry}/packed`,
        "--base",
        base.reference,
        "--insecure-registry",
        "--dry-run",
      );
      expect(build.stderr).toBe("");
      expect(build.code).toBe(0);
      const manifest = parse(build.stdout) as { kind: string; metadata: { name: string }; spec: { image: string } };
      expect(manifest.kind).toBe("Function");
      expect(manifest.metadata.name).toBe("hello");
      expect(manifest.spec.image).toMatch(new RegExp(`^${base.registry}/packed/hello@sha256:[a-f0-9]{64}$`));
    } finally {
      await Promise.all(hidden.map((path) => rename(`${path}.hidden`, path)));
    }
  });

  describe("kontinue dev from the install", () => {
    let dev: ChildProcess;
    let output = "";

    beforeAll(async () => {
      // The install ran no scripts, so better-sqlite3 has no native module: this checkout's (same version, same
      // Node) stands in for the one its install script would have compiled, as a prebuilt binary would.
      const release = "node_modules/better-sqlite3/build/Release";
      await mkdir(join(app, release), { recursive: true });
      await copyFile(join(repository, release, "better_sqlite3.node"), join(app, release, "better_sqlite3.node"));
      // No kubeconfig at all: dev starts the project's own devcluster, registry, controller and runner.
      dev = spawn(join(app, "node_modules/.bin/kontinue"), ["dev", "functions"], {
        cwd: app,
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, KUBECONFIG: join(app, "no-kubeconfig"), HOME: app },
      });
      dev.stdout!.on("data", (chunk: Buffer) => (output += chunk));
      dev.stderr!.on("data", (chunk: Buffer) => (output += chunk));
      await waitFor(
        "kontinue dev to start its worker",
        () => output.includes("run one:") || dev.exitCode !== null,
        90_000,
      );
      expect(dev.exitCode, output).toBeNull();
    }, 120_000);

    afterAll(async () => {
      if (dev && dev.exitCode === null) {
        dev.kill("SIGTERM");
        await new Promise((resolve) => dev.once("exit", resolve));
      }
    });

    it("runs the folder's Function in a worker Pod, and execute --wait finds the project's devcluster", async () => {
      const executed = await run(
        join(app, "node_modules/.bin/kontinue"),
        ["execute", "hello", '{"name":"ada"}', "--wait"],
        app,
        {
          XDG_CACHE_HOME: xdgCache,
          KUBECONFIG: join(app, "no-kubeconfig"),
          HOME: app,
        },
      );
      expect(executed.code, `${executed.stderr}\n${output}`).toBe(0);
      expect(executed.stderr).toContain("the devcluster of this project");
      expect(JSON.parse(executed.stdout)).toEqual({ greeting: "hello, ada" });
    }, 120_000);
  });

  it("type-checks a consumer's Function file and client script (strict, skipLibCheck off)", async () => {
    const clientImport = hasClient ? 'import type { KontinueClient } from "kontinue/client";\n' : "";
    const clientUse = hasClient ? "export type Client = KontinueClient;\n" : "";
    await writeFile(
      join(app, "consumer.ts"),
      `import { defineFunction, isKontinueError, type Context } from "kontinue";
${clientImport}import hello from "./functions/hello.ts";
export const twice = defineFunction({
  async run(ctx: Context, args: { n: number }) {
    const doubled: number = await ctx.store("double", () => args.n * 2);
    // @ts-expect-error: a step's value is typed, so a number is not a string
    const wrong: string = await ctx.store("double-again", () => args.n * 2);
    return { doubled, wrong, known: isKontinueError(new Error("x")) };
  },
});
export const helloDefinition: typeof hello = hello;
${clientUse}`,
    );
    // A client script, typed from the Function file: its arguments checked, its result typed.
    await writeFile(
      join(app, "start-hello.ts"),
      hasClient
        ? `import { createClient } from "kontinue/client";
import type hello from "./functions/hello.ts";
const client = createClient({ namespace: "default" });
const execution = await client.createExecution<typeof hello>("hello", { name: "ada" });
const result = await client.waitForResult<typeof hello>(execution.metadata!.name!);
const greeting: string = result.greeting;
// @ts-expect-error: hello's arguments need a name
await client.createExecution<typeof hello>("hello", { nom: "ada" });
export { greeting };
`
        : "export {};\n",
    );
    await writeFile(
      join(app, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: "nodenext",
          target: "es2022",
          noEmit: true,
          allowImportingTsExtensions: true,
          skipLibCheck: false,
        },
        files: ["consumer.ts", "start-hello.ts"],
      }),
    );
    const checked = await run(process.execPath, [join(repository, "node_modules/typescript/bin/tsc"), "-p", "."], app);
    // @kubernetes/client-node's own types import "ws" without depending on @types/ws: those errors are its,
    // and go away when the consumer installs @types/ws. Every other line (ours, the consumer's) must be clean.
    const upstream = /^node_modules\/(@kubernetes\/client-node|isomorphic-ws)\//;
    const errors = `${checked.stdout}${checked.stderr}`.split("\n").filter((line) => /error TS\d+/.test(line));
    expect(errors.filter((line) => !upstream.test(line))).toEqual([]);
    if (errors.length === 0) expect(checked.code).toBe(0);
  }, 240_000);
});
