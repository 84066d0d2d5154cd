// Shared by the workload scenarios: clients for the objects the controller creates, digest-pinned images,
// and writes that play the cluster's part (Deployment status, Pods) while devcluster runs no Pods.
import type { CoreV1Event, V1Deployment, V1ObjectMeta, V1Pod } from "@kubernetes/client-node";
import { startController, type RunningController } from "../../controller/index.ts";
import {
  API_VERSION,
  FUNCTION_LABEL,
  toResourceName,
  type Execution,
  type FunctionResource,
} from "../../crds/index.ts";
import { ResourceClient, createKubeHttp, type KubeHttp } from "../../runtime/index.ts";
import { rmSync } from "node:fs";
import { applyCrds, serveDevCluster } from "../fixtures/devcluster-fixture.ts";
import { testCluster, type TestCluster } from "../runtime/runtime-harness.ts";

type Meta<T> = T & { metadata: V1ObjectMeta };

/** A digest-pinned image whose revision is `digit` sixteen times. */
export function pinnedImage(digit: string, repository = "127.0.0.1:5000/kontinue-test/orders"): string {
  return `${repository}@sha256:${digit.repeat(64)}`;
}

export function revisionOfDigit(digit: string): string {
  return digit.repeat(16);
}

export interface WorkloadClients {
  http: KubeHttp;
  deployments: ResourceClient<Meta<V1Deployment>>;
  pods: ResourceClient<Meta<V1Pod>>;
  events: ResourceClient<Meta<CoreV1Event>>;
  serviceAccounts: ResourceClient<Meta<{ metadata: V1ObjectMeta }>>;
  roles: ResourceClient<Meta<{ metadata: V1ObjectMeta; rules?: unknown[] }>>;
  roleBindings: ResourceClient<Meta<{ metadata: V1ObjectMeta; subjects?: unknown[] }>>;
}

export function workloadClients(cluster: TestCluster): WorkloadClients {
  const http = createKubeHttp(cluster.kubeConfig);
  return {
    http,
    deployments: new ResourceClient(http, "deployments", "/apis/apps/v1"),
    pods: new ResourceClient(http, "pods", "/api/v1"),
    events: new ResourceClient(http, "events", "/api/v1"),
    serviceAccounts: new ResourceClient(http, "serviceaccounts", "/api/v1"),
    roles: new ResourceClient(http, "roles", "/apis/rbac.authorization.k8s.io/v1"),
    roleBindings: new ResourceClient(http, "rolebindings", "/apis/rbac.authorization.k8s.io/v1"),
  };
}

export async function applyFunction(
  cluster: TestCluster,
  name: string,
  spec: Partial<FunctionResource["spec"]>,
): Promise<FunctionResource> {
  return cluster.resources.functions.create(cluster.namespace, {
    apiVersion: API_VERSION,
    kind: "Function",
    metadata: { name, namespace: cluster.namespace },
    spec: { image: pinnedImage("a"), functionName: name, ...spec },
  });
}

export async function createExecutions(
  cluster: TestCluster,
  fn: string,
  names: string[],
  labels: Record<string, string> = {},
): Promise<Execution[]> {
  return Promise.all(
    names.map((name) =>
      cluster.resources.executions.create(cluster.namespace, {
        apiVersion: API_VERSION,
        kind: "Execution",
        metadata: { name, namespace: cluster.namespace, labels: { [FUNCTION_LABEL]: toResourceName(fn), ...labels } },
        spec: { function: fn, arguments: { n: name } },
      }),
    ),
  );
}

/** Sets an execution's status as a worker would (read, then PUT with the read resourceVersion). */
export async function setStatus(cluster: TestCluster, name: string, status: Execution["status"]): Promise<Execution> {
  const current = (await cluster.resources.executions.get(cluster.namespace, name))!;
  return cluster.resources.executions.replaceStatus({ ...current, status });
}

/** What a cluster's deployment controller and kubelet would report: `ready` of the Deployment's replicas ready. */
export async function reportDeploymentStatus(
  clients: WorkloadClients,
  namespace: string,
  name: string,
  ready: number,
): Promise<void> {
  const deployment = (await clients.deployments.get(namespace, name))!;
  const replicas = deployment.spec?.replicas ?? 0;
  await clients.deployments.replaceStatus({
    ...deployment,
    status: {
      observedGeneration: deployment.metadata.generation,
      replicas,
      updatedReplicas: replicas,
      readyReplicas: ready,
      availableReplicas: ready,
    },
  });
}

export async function eventsAbout(
  clients: WorkloadClients,
  namespace: string,
  name: string,
): Promise<Meta<CoreV1Event>[]> {
  return (await clients.events.list(namespace)).items.filter((event) => event.involvedObject.name === name);
}

export function condition(fn: FunctionResource | undefined, type: string) {
  return fn?.status?.conditions?.find((c) => c.type === type);
}

export function startTestController(cluster: TestCluster, lines: string[] = []): Promise<RunningController> {
  return startController({
    kubeConfig: cluster.kubeConfig,
    namespace: cluster.namespace,
    log: (line) => lines.push(line),
  });
}

/** What a workload scenario runs on: its own devcluster without a runner, clients, and a controller. */
export interface WorkloadRig {
  cluster: TestCluster;
  clients: WorkloadClients;
  controller: RunningController;
  /** Stops the controller, then the devcluster. */
  stop(): Promise<void>;
}

/**
 * A devcluster of its own that runs no Pods (`--runner off`), so Deployment status and Pods stay as these
 * scenarios write them, playing the cluster's part; and the controller on it, logging into `lines`.
 */
export async function startWorkloadRig(prefix: string, lines: string[]): Promise<WorkloadRig> {
  const served = await serveDevCluster({ extraArgs: ["--runner", "off"] });
  await applyCrds(served.kubeconfigPath);
  const cluster = await testCluster(prefix, served.kubeconfigPath);
  const controller = await startTestController(cluster, lines);
  return {
    cluster,
    clients: workloadClients(cluster),
    controller,
    async stop() {
      await controller.stop();
      await served.stop();
      rmSync(served.dataDir, { recursive: true, force: true });
    },
  };
}
