// `npm run bench:cli`: how fast the `kontinue` command starts, as a user runs it — `kontinue --version`,
// `--help`, and `execute … --wait`'s overhead over the execution itself — against `node -e 0` (Node's own
// start) and the former path that ran the CLI from its TypeScript sources through tsx. Builds dist/ first;
// starts its own `kontinue dev` (devcluster, controller, a worker) in a temporary folder for execute.
import { execFile, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile, mkdir } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildDist } from "../scripts/build-dist.ts";
import type { ExecuteOptions } from "../cli/execute-command.ts";

const repository = fileURLToPath(new URL("..", import.meta.url));
const cli = join(repository, "bin/kontinue.js");
const RUNS = 15;

interface Figure {
  median: number;
  min: number;
}

function runOnce(command: string, args: string[]): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd: repository, maxBuffer: 16 << 20 }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(" ")} failed: ${stderr || error.message}`));
      else resolve(performance.now() - started);
    });
  });
}

async function measure(runs: number, once: () => Promise<number>): Promise<Figure> {
  await once();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await once());
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)]!, min: times[0]! };
}

const ms = (figure: Figure): string => `${figure.median.toFixed(0)} ms (min ${figure.min.toFixed(0)})`;
const ratio = (a: Figure, b: Figure): string => `${(a.median / b.median).toFixed(2)}×`;

const work = await mkdtemp(join(tmpdir(), "kontinue-bench-cli-"));
try {
  const built = await buildDist({ emit: "js" });
  // The CLI as bin/kontinue.js ran it before dist/: tsx registered, then cli/index.ts from source.
  const tsxEntry = join(work, "kontinue-from-source.mjs");
  await writeFile(
    tsxEntry,
    `import { register } from ${JSON.stringify(import.meta.resolve("tsx/esm/api"))};\nregister();\n` +
      `const { main } = await import(${JSON.stringify(join(repository, "cli/index.ts"))});\n` +
      "process.exitCode = await main(process.argv.slice(2));\n",
  );
  const node = (args: string[]) => () => runOnce(process.execPath, args);

  const nodeStart = await measure(RUNS, node(["-e", "0"]));
  const version = await measure(RUNS, node([cli, "--version"]));
  const help = await measure(RUNS, node([cli, "--help"]));
  const tsxVersion = await measure(RUNS, node([tsxEntry, "--version"]));
  const npxVersion = await measure(5, () => runOnce("npx", ["kontinue", "--version"]));

  const functions = join(work, "functions");
  await mkdir(functions);
  await writeFile(
    join(functions, "noop.ts"),
    'import { defineFunction } from "kontinue";\nexport default defineFunction({ async run() { return 1; } });\n',
  );
  const dev = spawn(process.execPath, [cli, "dev", functions, "--data", join(work, "cluster")], {
    cwd: work,
    stdio: ["ignore", "pipe", "inherit"],
  });
  let devOutput = "";
  dev.stdout!.on("data", (chunk: Buffer) => (devOutput += chunk));
  try {
    const started = performance.now();
    while (!devOutput.includes("run one:")) {
      if (dev.exitCode !== null) throw new Error(`kontinue dev exited: ${devOutput}`);
      if (performance.now() - started > 120_000) throw new Error(`kontinue dev did not start: ${devOutput}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const kubeconfig = join(work, "cluster/kubeconfig");
    const executeArgs = ["execute", "noop", "{}", "--wait", "--kubeconfig", kubeconfig];
    const cliExecute = await measure(RUNS, node([cli, ...executeArgs]));
    const tsxExecute = await measure(RUNS, node([tsxEntry, ...executeArgs]));
    // The execution itself: the same code in this warm process, its output discarded.
    const { executeFunction } = await import("../cli/execute.ts");
    const options: ExecuteOptions = { wait: true, timeout: "60", output: "name", kubeconfig };
    const inProcess = await measure(RUNS, async () => {
      const write = process.stdout.write;
      process.stdout.write = () => true;
      const started = performance.now();
      try {
        await executeFunction("noop", "{}", options);
      } finally {
        process.stdout.write = write;
      }
      return performance.now() - started;
    });
    const overhead = (figure: Figure): Figure => ({
      median: figure.median - inProcess.median,
      min: figure.min - inProcess.min,
    });

    const lines = [
      `CLI start-up, ${RUNS} runs each (median, min); ${cpus().length} cores, load ${loadavg()[0]!.toFixed(1)}`,
      `dist/ bundles built in ${built.jsMs.toFixed(0)} ms`,
      // Node reads this CA bundle at every start (≈100 ms on the sandbox that sets it), before any of our code.
      ...(process.env.NODE_EXTRA_CA_CERTS
        ? [`NODE_EXTRA_CA_CERTS is set: every start below includes Node loading it (unset it to measure without)`]
        : []),
      `node -e 0                       ${ms(nodeStart)}`,
      `kontinue --version              ${ms(version)}  ${ratio(version, nodeStart)} node -e 0; ` +
        `tsx path ${ms(tsxVersion)} (${ratio(tsxVersion, version)} slower)`,
      `kontinue --help                 ${ms(help)}  ${ratio(help, nodeStart)} node -e 0`,
      `npx kontinue --version          ${ms(npxVersion)}`,
      `execute --wait (in-process)     ${ms(inProcess)}  (the execution itself)`,
      `kontinue execute --wait         ${ms(cliExecute)}  overhead ${ms(overhead(cliExecute))}, ` +
        `${ratio(overhead(cliExecute), nodeStart)} node -e 0`,
      `tsx path execute --wait         ${ms(tsxExecute)}  overhead ${ms(overhead(tsxExecute))} ` +
        `(${ratio(overhead(tsxExecute), overhead(cliExecute))} the dist overhead)`,
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  } finally {
    dev.kill("SIGTERM");
    await new Promise((resolve) => dev.once("exit", resolve));
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
