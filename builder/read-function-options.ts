// Reads each Function's options (scaling, retry, concurrency, timeout) from its `defineFunction(...)`
// default export without calling `run`: the image bundles are imported in one child process where
// `kontinue` is the real runtime except `runWorkerFromEnv`, which only reports the definition.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { BuildError } from "./build-error.ts";
import type { FunctionSource } from "./discover-functions.ts";

export interface FunctionSettings {
  retry?: { maxAttempts?: number };
  timeoutSeconds?: number;
  concurrency?: number;
  scaling?: { minReplicas?: number; maxReplicas?: number; targetPendingPerReplica?: number; cooldownSeconds?: number };
}

export interface OptionsProbeInput {
  source: FunctionSource;
  /** The Function's image bundle and its source map. */
  code: Buffer;
  map: Buffer;
}

export interface ReadFunctionOptionsOptions {
  functions: readonly OptionsProbeInput[];
  /** The bundled runtime (the runtime layer's index.mjs). */
  runtimeCode: Buffer;
  /** Node binary for the child (default: this one). */
  nodePath?: string;
  /** Default 60 s: top-level code that never finishes is an error. */
  timeoutMs?: number;
}

type ProbeResult = { ok: true; settings: FunctionSettings } | { ok: false; kind: "not-definition"; got: string } | { ok: false; kind: "threw"; message: string; stack: string };

const STUB = `export * from "./runtime.mjs";
import { isFunctionDefinition } from "./runtime.mjs";
export async function runWorkerFromEnv({ definition: d }) {
  globalThis.__kontinueProbe = isFunctionDefinition(d)
    ? { ok: true, settings: JSON.parse(JSON.stringify({ retry: d.retry, timeoutSeconds: d.timeoutSeconds, concurrency: d.concurrency, scaling: d.scaling })) }
    : { ok: false, kind: "not-definition", got: d === null ? "null" : Array.isArray(d) ? "array" : typeof d };
}
`;

const PROBE = `const results = {};
for (const name of process.argv.slice(2)) {
  globalThis.__kontinueProbe = undefined;
  try {
    await import("./" + name + "/index.mjs");
    results[name] = globalThis.__kontinueProbe;
  } catch (error) {
    results[name] = { ok: false, kind: "threw", message: String(error?.message ?? error), stack: String(error?.stack ?? "") };
  }
}
process.stdout.write(JSON.stringify(results));
process.exit(0);
`;

/** Settings per function name; throws a BuildError naming the file (and line) for a bad definition. */
export async function readFunctionOptions(options: ReadFunctionOptionsOptions): Promise<Map<string, FunctionSettings>> {
  const settings = new Map<string, FunctionSettings>();
  if (options.functions.length === 0) return settings;
  const dir = await mkdtemp(join(tmpdir(), "kontinue-options-"));
  try {
    const stubDir = join(dir, "node_modules", "kontinue");
    await mkdir(stubDir, { recursive: true });
    await writeFile(join(stubDir, "package.json"), JSON.stringify({ name: "kontinue", type: "module", exports: "./index.mjs" }));
    await writeFile(join(stubDir, "index.mjs"), STUB);
    await writeFile(join(stubDir, "runtime.mjs"), options.runtimeCode);
    await writeFile(join(dir, "probe.mjs"), PROBE);
    for (const fn of options.functions) {
      await mkdir(join(dir, fn.source.resourceName));
      await writeFile(join(dir, fn.source.resourceName, "index.mjs"), fn.code);
      await writeFile(join(dir, fn.source.resourceName, "index.mjs.map"), fn.map);
    }
    const names = options.functions.map((f) => f.source.resourceName);
    const output = await new Promise<string>((resolve, reject) => {
      execFile(
        options.nodePath ?? process.execPath,
        ["--enable-source-maps", join(dir, "probe.mjs"), ...names],
        { cwd: dir, timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NODE_OPTIONS: "" } },
        (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)),
      );
    }).catch((error: Error) => {
      throw new BuildError("BUILD_OPTIONS_FAILED", `cannot read the options of ${names.map((n) => `"${n}"`).join(", ")}: loading the Function files failed or did not finish (${error.message.split("\n")[0]}); a Function file must not block at its top level`, { cause: error });
    });
    const results = JSON.parse(output) as Record<string, ProbeResult | undefined>;
    for (const { source } of options.functions) {
      const result = results[source.resourceName];
      if (result?.ok) settings.set(source.functionName, result.settings);
      else throw await probeFailure(source, result, dir);
    }
    return settings;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function probeFailure(source: FunctionSource, result: ProbeResult | undefined, probeDir: string): Promise<BuildError> {
  const name = basename(source.file);
  if (result && !result.ok && result.kind === "threw") {
    const line = new RegExp(`${escapeRegExp(name)}:(\\d+)`).exec(result.stack)?.[1];
    const at = line ? `${name}:${line}` : name;
    const message = result.message.split(probeDir).join("");
    return new BuildError("BUILD_OPTIONS_FAILED", `${at}: loading Function "${source.functionName}" threw: ${message}; fix the file's top-level code or its defineFunction options`, { file: source.file, ...(line ? { line: Number(line) } : {}) });
  }
  const text = await readFile(source.file, "utf8");
  const index = text.split("\n").findIndex((l) => /^\s*export\s+default\b/.test(l));
  const line = index === -1 ? undefined : index + 1;
  const got = result && !result.ok && result.kind === "not-definition" ? result.got : "undefined";
  const article = got === "object" || got === "array" || got === "undefined" ? "an" : "a";
  return new BuildError(
    "BUILD_NOT_A_FUNCTION_DEFINITION",
    `${name}${line ? `:${line}` : ""}: the default export is ${article} ${got}, not defineFunction(...); write "export default defineFunction({ run(ctx, args) { … } })" with defineFunction imported from "kontinue"`,
    { file: source.file, ...(line ? { line } : {}) },
  );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
