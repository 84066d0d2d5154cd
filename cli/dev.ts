// The inner loop on the embedded default (`kontinue dev`): devcluster with its local runner, a loopback registry, the
// controller, and the folder deployed through the same Function → Deployment → Pod path a cluster uses; redeployed on
// save. Each Function keeps one worker up, so the first execution starts at once, and an old revision's workers go as
// soon as nothing runs on them.
import { watch } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { DEFAULT_BASE_IMAGE, RegistryClient, discoverFunctions, type BuiltFunction } from "../builder/index.ts";
import { startController } from "../controller/index.ts";
import type { FunctionResource } from "../crds/index.ts";
import { startDevCluster } from "../devcluster/index.ts";
import { createKubeHttp, describeErrorChain, kontinueResources } from "../runtime/index.ts";
import { applyCrds } from "./apply-objects.ts";
import { connect } from "./connect.ts";
import type { DevOptions } from "./dev-command.ts";
import { hostNodeBase } from "./dev-host-base.ts";
import { startDevRegistry } from "./dev-registry.ts";
import { buildFolder, deployFolder } from "./deploy-folder.ts";
import { DeployProgress } from "./deploy-progress.ts";

/** How long after the last change in the folder a redeploy starts (editors write a file in several steps). */
const settleMs = 30;
const readyTimeoutMs = 120_000;

export async function runDev(dir: string, options: DevOptions, signal: AbortSignal): Promise<void> {
  const say = (line: string): void => void process.stdout.write(`${line}\n`);
  const startedAt = Date.now();
  const sources = await discoverFunctions(dir);
  const dataDir = resolve(options.data);
  const dockerHost = options.dockerHost ?? (process.env.DOCKER_HOST || undefined);
  const runner = dockerHost ? "docker" : "process";
  const registryStarted = options.registry
    ? Promise.resolve(undefined)
    : startDevRegistry({ dir: join(dirname(dataDir), "registry") });
  const targetFound = registryStarted.then((registry) => options.registry ?? `${registry!.host}/fns`);
  const baseFound = registryStarted.then(
    (registry) =>
      options.base ?? (runner === "docker" || registry === undefined ? DEFAULT_BASE_IMAGE : devBase(registry.host)),
  );
  // The first images are built and pushed while devcluster and the controller start: they need only the registry.
  const newProgress = () =>
    new DeployProgress({ write: (text) => void process.stdout.write(text), interactive: false });
  const firstProgress = newProgress();
  const firstBuild = Promise.all([targetFound, baseFound]).then(([registry, base]) =>
    buildFolder({ dir, registry, base, insecureRegistry: false, progress: firstProgress, existing: [] }),
  );
  firstBuild.catch(() => undefined);
  const cluster = options.kubeconfig
    ? undefined
    : await startDevCluster({ dataDir, port: Number(options.port), runner, ...(dockerHost ? { dockerHost } : {}) });
  const registry = await registryStarted;
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
  const [target, base] = await Promise.all([targetFound, baseFound]);
  const http = createKubeHttp(kubeConfig);
  const { functions } = kontinueResources(http);

  /** Deploys the folder; `first` are the images built during start-up, else they are built now. */
  const deploy = async (first?: { built: Promise<BuiltFunction[]>; progress: DeployProgress }): Promise<void> => {
    const progress = first?.progress ?? newProgress();
    const existing = (await functions.list(namespace)).items;
    const deployed = await deployFolder({
      dir,
      http,
      functions,
      namespace,
      registry: target,
      base,
      insecureRegistry: false,
      progress,
      existing,
      timeoutMs: readyTimeoutMs,
      shape: devFunction,
      ...(first ? { built: first.built } : {}),
    });
    for (const [name, what] of deployed.functions) {
      const before = existing.find((fn) => fn.metadata.name === name)?.status?.activeRevision;
      const after = deployed.readiness.get(name);
      if (what === "applied" && before && after?.state === "ready")
        say(`restarting ${name}: revision ${before} → ${after.revision}`);
    }
  };

  await deploy({ built: firstBuild, progress: firstProgress });
  say(`ready in ${((Date.now() - startedAt) / 1000).toFixed(1)}s`);
  const server = cluster ? cluster.url : kubeConfig.getCurrentCluster()?.server;
  say(`devcluster: ${server} (namespace "${namespace}"), images in ${target}`);
  const flags = options.kubeconfig ? ` --kubeconfig ${kubeconfigPath}` : "";
  const ns = options.namespace ? ` -n ${namespace}` : "";
  say(`run one:    npx kontinue execute ${sources[0]?.functionName ?? "<function>"} '{}' --wait${flags}${ns}`);
  say(`look:       KUBECONFIG=${kubeconfigPath} kubectl get functions,deployments,pods${ns}`);
  let timer: NodeJS.Timeout | undefined;
  let syncing = Promise.resolve();
  let queued = false;
  const redeploy = (): void => {
    if (queued) return;
    queued = true;
    syncing = syncing.then(async () => {
      queued = false;
      try {
        await deploy();
      } catch (error) {
        say(`cannot redeploy "${dir}": ${describeErrorChain(error)}`);
      }
    });
  };
  const watcher = watch(dir, () => {
    clearTimeout(timer);
    timer = setTimeout(redeploy, settleMs);
  });
  // After the watch starts: a save made while the UI's informers sync must still redeploy.
  const ui = options.ui
    ? await (await import("./dev-ui.ts")).startDevUi({ kubeConfig, namespace, port: Number(options.uiPort), say })
    : undefined;

  await new Promise<void>((done) =>
    signal.aborted ? done() : signal.addEventListener("abort", () => done(), { once: true }),
  );
  say("stopping");
  watcher.close();
  clearTimeout(timer);
  await syncing;
  await ui?.close();
  await controller.stop();
  await cluster?.close();
  await registry?.close();
}

/** The process-mode base in dev's own registry (pushed once per Node version). */
function devBase(registryHost: string): Promise<string> {
  return hostNodeBase(new RegistryClient({ registry: registryHost, insecure: true }), registryHost);
}

/**
 * In dev every Function keeps a worker up (at least minReplicas 1), so an execution starts without a cold start, and
 * a revision with nothing unfinished is removed at once (drainGraceSeconds 0 unless the file sets it): on a save the
 * old worker would otherwise hold a process, or a container, for a minute while the new one starts.
 */
function devFunction(manifest: FunctionResource): FunctionResource {
  const scaling = manifest.spec.scaling ?? {};
  return {
    ...manifest,
    spec: {
      ...manifest.spec,
      scaling: { ...scaling, minReplicas: Math.max(1, scaling.minReplicas ?? 0) },
      revisions: { drainGraceSeconds: 0, ...manifest.spec.revisions },
    },
  };
}
