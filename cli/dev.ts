// The inner loop on the embedded default (`kontinue dev`): devcluster with its local runner, a loopback registry, the
// controller, and the folder deployed through the same Function → Deployment → Pod path a cluster uses; redeployed on
// save. Each Function keeps one worker up, so the first execution starts at once.
import { watch } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { DEFAULT_BASE_IMAGE, RegistryClient, discoverFunctions } from "../builder/index.ts";
import { startController } from "../controller/index.ts";
import type { FunctionResource } from "../crds/index.ts";
import { startDevCluster } from "../devcluster/index.ts";
import { createKubeHttp, describeErrorChain, kontinueResources } from "../runtime/index.ts";
import { applyCrds } from "./apply-objects.ts";
import { connect } from "./connect.ts";
import type { DevOptions } from "./dev-command.ts";
import { hostNodeBase } from "./dev-host-base.ts";
import { startDevRegistry } from "./dev-registry.ts";
import { deployFolder } from "./deploy-folder.ts";
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
  const [cluster, registry] = await Promise.all([
    options.kubeconfig
      ? undefined
      : startDevCluster({ dataDir, port: Number(options.port), runner, ...(dockerHost ? { dockerHost } : {}) }),
    options.registry ? undefined : startDevRegistry({ dir: join(dirname(dataDir), "registry") }),
  ]);
  const kubeconfigPath = options.kubeconfig ? resolve(options.kubeconfig) : cluster!.kubeconfigPath;
  const { kubeConfig, namespace } = connect({
    kubeconfig: kubeconfigPath,
    ...(options.namespace ? { namespace: options.namespace } : {}),
  });
  const registryHost = registry?.host;
  const target = options.registry ?? `${registryHost}/fns`;
  const [controller, base] = await Promise.all([
    applyCrds(kubeConfig).then(() =>
      // One developer's loop: no standby to elect against, and a restarted `kontinue dev` must not wait out a Lease.
      startController({
        kubeConfig,
        namespace,
        leaderElection: "disabled",
        log: (line) => say(`[controller] ${line}`),
      }),
    ),
    options.base ?? (runner === "docker" || registryHost === undefined ? DEFAULT_BASE_IMAGE : devBase(registryHost)),
  ]);
  const http = createKubeHttp(kubeConfig);
  const { functions } = kontinueResources(http);

  const deploy = async (): Promise<void> => {
    const progress = new DeployProgress({ write: (text) => void process.stdout.write(text), interactive: false });
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
      shape: keepOneWorker,
    });
    for (const [name, what] of deployed.functions) {
      const before = existing.find((fn) => fn.metadata.name === name)?.status?.activeRevision;
      const after = deployed.readiness.get(name);
      if (what === "applied" && before && after?.state === "ready")
        say(`restarting ${name}: revision ${before} → ${after.revision}`);
    }
  };

  await deploy();
  say(`ready in ${((Date.now() - startedAt) / 1000).toFixed(1)}s`);
  const server = cluster ? cluster.url : kubeConfig.getCurrentCluster()?.server;
  say(`devcluster: ${server} (namespace "${namespace}"), images in ${target}`);
  const flags = options.kubeconfig ? ` --kubeconfig ${kubeconfigPath}` : "";
  const ns = options.namespace ? ` -n ${namespace}` : "";
  say(`run one:    npx kontinue execute ${sources[0]?.functionName ?? "<function>"} '{}' --wait${flags}${ns}`);
  say(`look:       KUBECONFIG=${kubeconfigPath} kubectl get functions,deployments,pods${ns}`);
  const ui = options.ui
    ? await (await import("./dev-ui.ts")).startDevUi({ kubeConfig, namespace, port: Number(options.uiPort), say })
    : undefined;

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

/** In dev every Function keeps a worker up (at least minReplicas 1), so an execution starts without a cold start. */
function keepOneWorker(manifest: FunctionResource): FunctionResource {
  const scaling = manifest.spec.scaling ?? {};
  return {
    ...manifest,
    spec: { ...manifest.spec, scaling: { ...scaling, minReplicas: Math.max(1, scaling.minReplicas ?? 0) } },
  };
}
