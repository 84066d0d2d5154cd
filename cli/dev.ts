// The inner loop on the embedded default (`kontinue dev`): devcluster, the controller, and one worker
// per Function file, restarted when its sources change.
import type { KubernetesObject } from "@kubernetes/client-node";
import { watch } from "node:fs";
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { discoverFunctions, type FunctionSource } from "../builder/index.ts";
import { startController } from "../controller/index.ts";
import { API_VERSION } from "../crds/index.ts";
import { startDevCluster } from "../devcluster/index.ts";
import { describeErrorChain } from "../runtime/index.ts";
import { applyCrds, applyObjects } from "./apply-objects.ts";
import { connect } from "./connect.ts";
import type { DevOptions } from "./dev-command.ts";
import { FunctionProcesses } from "./function-processes.ts";
import { sourceImageOf } from "./source-image.ts";

const restartDelayMs = 150;

export async function runDev(dir: string, options: DevOptions, signal: AbortSignal): Promise<void> {
  const say = (line: string): void => void process.stdout.write(`${line}\n`);
  let sources = await discoverFunctions(dir);

  const cluster = options.kubeconfig
    ? undefined
    : await startDevCluster({ dataDir: resolve(options.data), port: Number(options.port) });
  const kubeconfigPath = options.kubeconfig ? resolve(options.kubeconfig) : cluster!.kubeconfigPath;
  const { kubeConfig, namespace } = connect({
    kubeconfig: kubeconfigPath,
    ...(options.namespace ? { namespace: options.namespace } : {}),
  });
  await applyCrds(kubeConfig);
  // One developer's loop: no standby to elect against, and a restarted `kontinue dev` must not wait out a Lease.
  const controller = await startController({
    kubeConfig,
    namespace,
    leaderElection: "disabled",
    log: (line) => say(`[controller] ${line}`),
  });
  const workers = new FunctionProcesses({ kubeconfigPath, namespace, log: (name, line) => say(`[${name}] ${line}`) });

  const digests = new Map<string, string>();
  const sync = async (): Promise<void> => {
    const folderDigest = await digestFolderHelpers(dir, sources);
    for (const source of sources) {
      const image = sourceImageOf(await readFile(source.file));
      const digest = `${folderDigest}:${image}`;
      if (digests.get(source.functionName) === digest) continue;
      say(`${digests.has(source.functionName) ? "restarting" : "starting"} ${source.functionName} (${source.file})`);
      digests.set(source.functionName, digest);
      // The Function resource tells other functions' ctx.execute that this one exists, and which image is current.
      await applyObjects(kubeConfig, [
        {
          apiVersion: API_VERSION,
          kind: "Function",
          metadata: { name: source.resourceName, namespace },
          spec: { image, functionName: source.functionName },
        } as KubernetesObject,
      ]);
      await workers.restart(source.functionName, source.file);
    }
    for (const name of [...digests.keys()]) {
      if (sources.some((s) => s.functionName === name)) continue;
      digests.delete(name);
      say(`stopping ${name}: its file is gone`);
      await workers.stop(name);
    }
  };
  await sync();
  say(`devcluster: ${cluster ? cluster.url : kubeConfig.getCurrentCluster()?.server} (namespace "${namespace}")`);
  say(
    `run one:    npx kontinue execute ${sources[0]!.functionName} '{}' --wait ` +
      `--kubeconfig ${kubeconfigPath}${options.namespace ? ` -n ${namespace}` : ""}`,
  );
  say(`look:       KUBECONFIG=${kubeconfigPath} kubectl get kontinue`);

  let timer: NodeJS.Timeout | undefined;
  let syncing = Promise.resolve();
  const watcher = watch(dir, () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      syncing = syncing.then(async () => {
        try {
          sources = await discoverFunctions(dir);
          await sync();
        } catch (error) {
          say(`cannot reload "${dir}": ${describeErrorChain(error)}`);
        }
      });
    }, restartDelayMs);
  });

  await new Promise<void>((done) =>
    signal.aborted ? done() : signal.addEventListener("abort", () => done(), { once: true }),
  );
  say("stopping");
  watcher.close();
  clearTimeout(timer);
  await syncing;
  await workers.stopAll();
  await controller.stop();
  await cluster?.close();
}

/** A digest of the folder's other files (helpers a Function may import): a change restarts every worker. */
async function digestFolderHelpers(dir: string, sources: FunctionSource[]): Promise<string> {
  const functionFiles = new Set(sources.map((s) => s.file));
  const hash = createHash("sha256");
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const file = resolve(dir, entry.name);
    if (!entry.isFile() || functionFiles.has(file) || !/\.(m?[jt]s|json)$/.test(entry.name)) continue;
    hash.update(entry.name).update(await readFile(file));
  }
  return hash.digest("hex").slice(0, 16);
}
