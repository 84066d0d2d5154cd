// What the workloads suite runs on: a devcluster of its own whose node agent really runs Pods (process mode,
// or on the test Docker engine), the controller, images built by the builder and pushed to the loopback
// registry, a step log the Function reports to, and a record of every replicas value each Deployment had.
import type { CoreV1Event, V1Deployment, V1ObjectMeta, V1Pod, V1Role } from "@kubernetes/client-node";
import { cp, readFile, writeFile } from "node:fs/promises";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  BuildCache,
  buildFunctions,
  functionManifest,
  parsePushTarget,
  RegistryClient,
  RegistryPublisher,
} from "../../builder/index.ts";
import { startController, type RunningController } from "../../controller/index.ts";
import { FUNCTION_LABEL, REVISION_LABEL, type Execution, type FunctionResource } from "../../crds/index.ts";
import { ResourceClient, createKubeHttp, createResourceInformer } from "../../runtime/index.ts";
import { applyCrds, serveDevCluster, type ServedDevCluster } from "../fixtures/devcluster-fixture.ts";
import { nodeBaseImage } from "../fixtures/node-base-image.ts";
import { dockerFixture, registryFixture, type DockerFixture } from "../fixtures/services.ts";
import { temporaryDir } from "../fixtures/temporary-dirs.ts";
import { executionBody, testCluster, type TestCluster } from "../runtime/runtime-harness.ts";
import { startStepLog, type StepLog } from "./step-log.ts";

type Meta<T> = T & { metadata: V1ObjectMeta };
export type RunnerMode = "process" | "docker";

const functionsDir = fileURLToPath(new URL("./functions", import.meta.url));

/** One replicas value a Deployment was seen with, at `at` (performance.now()). */
export interface ReplicasSample {
  deployment: string;
  revision: string | undefined;
  replicas: number;
  at: number;
}

export interface WorkloadsRig {
  mode: RunnerMode;
  cluster: TestCluster;
  served: ServedDevCluster;
  engine: DockerFixture | undefined;
  controller: RunningController;
  stepLog: StepLog;
  deployments: ResourceClient<Meta<V1Deployment>>;
  pods: ResourceClient<Meta<V1Pod>>;
  roles: ResourceClient<Meta<V1Role>>;
  events: ResourceClient<Meta<CoreV1Event>>;
  /** Every replicas value of every Deployment in the namespace, in the order the watch saw them. */
  replicas: ReplicasSample[];
  /** Controller log lines. */
  lines: string[];
  /**
   * Builds test/workloads/functions (with CODE_VERSION set to `version`) and pushes the images; resolves with
   * the Function manifests by resource name, their workers pointed at the step log and given a long lease.
   */
  build(version: string): Promise<Map<string, FunctionResource>>;
  /** Creates or replaces a built Function, with spec overrides. */
  deploy(manifest: FunctionResource, spec?: Partial<FunctionResource["spec"]>): Promise<FunctionResource>;
  createExecutions(fn: string, names: readonly string[], args: unknown): Promise<Execution[]>;
  /** Kills a Pod's container as a crash would (SIGKILL to its process or Docker container). */
  killContainer(pod: V1Pod): Promise<void>;
  stop(): Promise<void>;
}

/** Lease long enough that a test waiting for its expiry would time out. */
export const LONG_LEASE_SECONDS = 600;

export async function startWorkloadsRig(mode: RunnerMode, prefix: string): Promise<WorkloadsRig> {
  const engine = mode === "docker" ? await dockerFixture() : undefined;
  const { registry } = await registryFixture();
  const base = (await nodeBaseImage()).reference;
  const served = await serveDevCluster({
    extraArgs: [
      "--runner",
      mode,
      ...(engine ? ["--docker-host", `unix://${engine.socketPath}`] : []),
      "--restart-backoff",
      "0.1",
    ],
  });
  await applyCrds(served.kubeconfigPath);
  const cluster = await testCluster(prefix, served.kubeconfigPath);
  const lines: string[] = [];
  const controller = await startController({
    kubeConfig: cluster.kubeConfig,
    namespace: cluster.namespace,
    leaderElection: "disabled",
    log: (line) => lines.push(line),
  });
  const stepLog = await startStepLog();
  const http = createKubeHttp(cluster.kubeConfig);
  const deployments = new ResourceClient<Meta<V1Deployment>>(http, "deployments", "/apis/apps/v1");
  const pods = new ResourceClient<Meta<V1Pod>>(http, "pods", "/api/v1");
  const replicas: ReplicasSample[] = [];
  const lastReplicas = new Map<string, number>();
  const watch = createResourceInformer<Meta<V1Deployment>>({
    kubeConfig: cluster.kubeConfig,
    client: deployments,
    namespace: cluster.namespace,
    onChange: (deployment, kind) => {
      if (kind === "delete") return;
      const name = deployment.metadata.name!;
      const value = deployment.spec?.replicas ?? 0;
      if (lastReplicas.get(name) === value) return;
      lastReplicas.set(name, value);
      replicas.push({
        deployment: name,
        revision: deployment.metadata.labels?.[REVISION_LABEL],
        replicas: value,
        at: performance.now(),
      });
    },
  });
  await watch.start();
  const cache = new BuildCache({ dir: await temporaryDir("workloads-cache") });
  const target = parsePushTarget(`${registry}/kontinue-test/workloads-${mode}`);
  const publisher = new RegistryPublisher({ client: new RegistryClient({ registry, insecure: true }), target });

  return {
    mode,
    cluster,
    served,
    engine,
    controller,
    stepLog,
    deployments,
    pods,
    roles: new ResourceClient(http, "roles", "/apis/rbac.authorization.k8s.io/v1"),
    events: new ResourceClient(http, "events", "/api/v1"),
    replicas,
    lines,
    async build(version) {
      const dir = await temporaryDir("workloads-functions");
      await cp(functionsDir, dir, { recursive: true });
      const file = join(dir, "_steps.ts");
      const source = await readFile(file, "utf8");
      await writeFile(file, source.replace('const CODE_VERSION = "v1"', `const CODE_VERSION = "${version}"`));
      const built = await buildFunctions({ dir, base, target, insecureRegistry: true, cache, publishers: [publisher] });
      const manifests = new Map<string, FunctionResource>();
      for (const { source, reference, settings } of built) {
        const manifest = functionManifest({ ...source, image: reference, settings });
        manifest.spec.env = [
          { name: "STEP_LOG_URL", value: stepLog.url },
          { name: "KONTINUE_LEASE_SECONDS", value: String(LONG_LEASE_SECONDS) },
        ];
        manifests.set(source.resourceName, manifest);
      }
      return manifests;
    },
    async deploy(manifest, spec = {}) {
      const functions = cluster.resources.functions;
      const name = manifest.metadata.name!;
      const wanted = { ...manifest.spec, ...spec };
      if (await functions.get(cluster.namespace, name))
        return functions.mergePatch(cluster.namespace, name, { spec: wanted });
      return functions.create(cluster.namespace, {
        ...manifest,
        metadata: { name, namespace: cluster.namespace },
        spec: wanted,
      });
    },
    createExecutions(fn, names, args) {
      return Promise.all(
        names.map((name) => {
          const body = executionBody(cluster.namespace, name, fn, args);
          body.metadata.labels = { [FUNCTION_LABEL]: fn };
          return cluster.resources.executions.create(cluster.namespace, body);
        }),
      );
    },
    async killContainer(pod) {
      const id = pod.status?.containerStatuses?.[0]?.containerID;
      if (!id) throw new Error(`Pod "${pod.metadata?.name}" has no running container to kill`);
      if (engine) await engine.docker.getContainer(id.replace("docker://", "")).kill({ signal: "SIGKILL" });
      else process.kill(Number(id.replace("process://", "")), "SIGKILL");
    },
    async stop() {
      await watch.stop();
      await controller.stop();
      await stepLog.close();
      await served.stop();
      rmSync(served.dataDir, { recursive: true, force: true });
    },
  };
}
