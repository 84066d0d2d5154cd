// Reads each Function's options (scaling, retry, concurrency, timeout, revisions) from its `defineFunction(...)`
// default export without calling `run`: the image bundles are imported in one child process where
// `kontinue` is the real runtime except `runWorkerFromEnv`, which only reports the definition. The child
// reports over its IPC channel (user code may print anything on stdout), `process.exit` is a no-op while
// it imports, and its environment is scrubbed: no registry or cloud credentials reach user code.
import { fork } from "node:child_process";
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
  revisions?: { drainGraceSeconds?: number };
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
  /** The environment the scrubbed one is taken from (default process.env); see PROBE_ENV_KEYS. */
  env?: NodeJS.ProcessEnv;
}

/** The only variables the probe passes on: locale, time zone and PATH; HOME is the probe's own folder. */
export const PROBE_ENV_KEYS: readonly string[] = ["PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ"];

type ProbeResult =
  | { ok: true; settings: FunctionSettings }
  | { ok: false; kind: "not-definition"; got: string }
  | { ok: false; kind: "threw"; message: string; stack: string };

interface ProbeMessage {
  name: string;
  result: ProbeResult | undefined;
}

const STUB = `export * from "./runtime.mjs";
import { isFunctionDefinition } from "./runtime.mjs";
export async function runWorkerFromEnv({ definition: d }) {
  globalThis.__kontinueProbe = isFunctionDefinition(d)
    ? {
        ok: true,
        settings: JSON.parse(JSON.stringify({
          retry: d.retry,
          timeoutSeconds: d.timeoutSeconds,
          concurrency: d.concurrency,
          scaling: d.scaling,
          revisions: d.revisions,
        })),
      }
    : { ok: false, kind: "not-definition", got: d === null ? "null" : Array.isArray(d) ? "array" : typeof d };
}
`;

const PROBE = `const exit = process.exit.bind(process);
process.exit = () => undefined;
const send = (message) => new Promise((resolve) => process.send(message, resolve));
for (const name of process.argv.slice(2)) {
  globalThis.__kontinueProbe = undefined;
  let result;
  try {
    await import("./" + name + "/index.mjs");
    result = globalThis.__kontinueProbe;
  } catch (error) {
    result = { ok: false, kind: "threw", message: String(error?.message ?? error), stack: String(error?.stack ?? "") };
  }
  await send({ name, result });
}
exit(0);
`;

/** Settings per function name; throws a BuildError naming the file (and line) for a bad definition. */
export async function readFunctionOptions(options: ReadFunctionOptionsOptions): Promise<Map<string, FunctionSettings>> {
  const settings = new Map<string, FunctionSettings>();
  if (options.functions.length === 0) return settings;
  const dir = await mkdtemp(join(tmpdir(), "kontinue-options-"));
  try {
    const stubDir = join(dir, "node_modules", "kontinue");
    await mkdir(stubDir, { recursive: true });
    await writeFile(
      join(stubDir, "package.json"),
      JSON.stringify({ name: "kontinue", type: "module", exports: "./index.mjs" }),
    );
    await writeFile(join(stubDir, "index.mjs"), STUB);
    await writeFile(join(stubDir, "runtime.mjs"), options.runtimeCode);
    await writeFile(join(dir, "probe.mjs"), PROBE);
    for (const fn of options.functions) {
      await mkdir(join(dir, fn.source.resourceName));
      await writeFile(join(dir, fn.source.resourceName, "index.mjs"), fn.code);
      await writeFile(join(dir, fn.source.resourceName, "index.mjs.map"), fn.map);
    }
    const results = await runProbe(options, dir);
    for (const { source } of options.functions) {
      const result = results.get(source.resourceName);
      if (result === "missing") {
        throw new BuildError(
          "BUILD_OPTIONS_FAILED",
          `${basename(source.file)}: loading Function "${source.functionName}" ended the options probe before it ` +
            `reported (${results.exit}); a Function file must not end or block the process at its top level`,
          { file: source.file },
        );
      }
      if (result?.ok) settings.set(source.functionName, result.settings);
      else throw await probeFailure(source, result, dir);
    }
    return settings;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

type ProbeResults = Map<string, ProbeResult | undefined | "missing"> & { exit: string };

/** Runs the probe child; a Function it did not report on (it exited, crashed or timed out) is "missing". */
function runProbe(options: ReadFunctionOptionsOptions, dir: string): Promise<ProbeResults> {
  const names = options.functions.map((f) => f.source.resourceName);
  const source = options.env ?? process.env;
  const env: NodeJS.ProcessEnv = { HOME: dir, NODE_ENV: "production" };
  for (const key of PROBE_ENV_KEYS) if (source[key] !== undefined) env[key] = source[key];
  return new Promise((resolve) => {
    const results = new Map<string, ProbeResult | undefined | "missing">() as ProbeResults;
    const child = fork(join(dir, "probe.mjs"), names, {
      cwd: dir,
      env,
      execPath: options.nodePath ?? process.execPath,
      execArgv: ["--enable-source-maps"],
      stdio: ["ignore", "ignore", "pipe", "ipc"],
      serialization: "json",
    });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => void (stderr = (stderr + chunk.toString()).slice(-2000)));
    let timedOut = false;
    const timer = setTimeout(() => void ((timedOut = true), child.kill("SIGKILL")), options.timeoutMs ?? 60_000);
    child.on("message", (message: ProbeMessage) => results.set(message.name, message.result));
    const end = (why: string) => {
      clearTimeout(timer);
      results.exit ??= why;
      for (const name of names) if (!results.has(name)) results.set(name, "missing");
      resolve(results);
    };
    child.on("error", (error) => end(`the probe could not run: ${error.message}`));
    child.on("exit", (code, signal) => {
      const last = stderr.trim().split("\n").at(-1);
      end(
        timedOut
          ? `it did not finish within ${(options.timeoutMs ?? 60_000) / 1000} s`
          : `exit code ${code ?? signal}${last ? `: ${last}` : ""}`,
      );
    });
  });
}

async function probeFailure(
  source: FunctionSource,
  result: ProbeResult | undefined,
  probeDir: string,
): Promise<BuildError> {
  const name = basename(source.file);
  if (result && !result.ok && result.kind === "threw") {
    const line = new RegExp(`${escapeRegExp(name)}:(\\d+)`).exec(result.stack)?.[1];
    const at = line ? `${name}:${line}` : name;
    const message = result.message.split(probeDir).join("");
    return new BuildError(
      "BUILD_OPTIONS_FAILED",
      `${at}: loading Function "${source.functionName}" threw: ${message}; fix the file's top-level code or its ` +
        `defineFunction options`,
      { file: source.file, ...(line ? { line: Number(line) } : {}) },
    );
  }
  const text = await readFile(source.file, "utf8");
  const index = text.split("\n").findIndex((l) => /^\s*export\s+default\b/.test(l));
  const line = index === -1 ? undefined : index + 1;
  const got = result && !result.ok && result.kind === "not-definition" ? result.got : "undefined";
  const article = got === "object" || got === "array" || got === "undefined" ? "an" : "a";
  return new BuildError(
    "BUILD_NOT_A_FUNCTION_DEFINITION",
    `${name}${line ? `:${line}` : ""}: the default export is ${article} ${got}, not defineFunction(...); write ` +
      `"export default defineFunction({ run(ctx, args) { … } })" with defineFunction imported from "kontinue"`,
    { file: source.file, ...(line ? { line } : {}) },
  );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
