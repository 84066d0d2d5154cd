// devcluster's node: schedules unassigned Pods onto itself, runs each on its container runtime
// (one PodWorker per Pod), finishes graceful deletions, and serves container logs.
import { rmSync } from "node:fs";
import { join } from "node:path";
import type { PodLogRequest } from "../api/index.ts";
import { badRequest } from "../registry/index.ts";
import type { KubeObject } from "../registry/index.ts";
import type { Change } from "../storage/index.ts";
import { queueKey, splitQueueKey, WorkQueue } from "../controllers/index.ts";
import type { ClusterObjects, ReconcileResult } from "../controllers/index.ts";
import type { ContainerRuntime } from "./container-runtime.ts";
import type { ContainerLog } from "./container-log.ts";
import { PodIpPool } from "./pod-ip-pool.ts";
import { PodWorker } from "./pod-worker.ts";
import type { RestartBackoff } from "./restart-backoff.ts";

export interface NodeAgentOptions {
  /** Writes as the kubelet (`manager: kubelet`). */
  cluster: ClusterObjects;
  /** Binds Pods to this node (`manager: default-scheduler`). */
  scheduler: ClusterObjects;
  runtime: ContainerRuntime;
  clock: () => Date;
  log: (message: string) => void;
  backoff: RestartBackoff;
  /** Per-Pod directories (logs, kubeconfig). */
  podsDir: string;
  /** Writes a kubeconfig for the Pod's ServiceAccount. */
  writeKubeconfig: (path: string, pod: KubeObject) => void;
  nodeName?: string;
  hostIP?: string;
}

export class NodeAgent {
  readonly nodeName: string;
  readonly #options: NodeAgentOptions;
  readonly #queue: WorkQueue;
  readonly #workers = new Map<string, PodWorker>();
  readonly #terminating = new Map<string, { worker: PodWorker; done: Promise<void> }>();
  readonly #ips = new PodIpPool();
  readonly #podResource: string;

  constructor(options: NodeAgentOptions) {
    this.#options = options;
    this.nodeName = options.nodeName ?? "devcluster";
    this.#podResource = options.cluster.resource("Pod");
    this.#queue = new WorkQueue({ name: "kubelet", log: options.log, reconcile: (key) => this.reconcile(key) });
  }

  recover(): void {
    for (const pod of this.#options.cluster.list("Pod"))
      this.#queue.add(queueKey(pod.metadata.namespace, pod.metadata.name));
  }

  notify(change: Change): void {
    if (change.resource === this.#podResource) this.#queue.add(queueKey(change.namespace, change.name));
  }

  /** Stops every container at once (devcluster is closing). */
  async close(): Promise<void> {
    this.#queue.close();
    const now = this.#options.clock();
    const workers = [...this.#workers.values(), ...[...this.#terminating.values()].map((entry) => entry.worker)];
    await Promise.all(workers.map((worker) => worker.terminate(now)));
    for (const worker of workers) worker.detach();
  }

  /** The log of a Pod's container run, for `GET …/pods/{name}/log`. */
  podLog(request: PodLogRequest): ContainerLog {
    const pod = this.#options.cluster.find("Pod", request.namespace, request.name);
    const worker = pod ? this.#workers.get(queueKey(request.namespace, request.name)) : undefined;
    const names = ((pod?.spec as { containers?: { name: string }[] } | undefined)?.containers ?? []).map(
      (container) => container.name,
    );
    if (request.container === undefined && names.length > 1) {
      throw badRequest(
        `a container name must be specified for pod ${request.name}, choose one of: [${names.join(" ")}]`,
      );
    }
    if (request.container !== undefined && !names.includes(request.container)) {
      throw badRequest(`container ${request.container} is not valid for pod ${request.name}`);
    }
    const container = request.container ?? names[0] ?? "";
    const log = worker?.log(container, request.previous);
    if (!log) {
      throw badRequest(
        request.previous
          ? `previous terminated container "${container}" in pod "${request.name}" not found`
          : `container "${container}" in pod "${request.name}" is waiting to start: ContainerCreating`,
      );
    }
    return log;
  }

  reconcile(key: string): ReconcileResult {
    const [namespace, name] = splitQueueKey(key);
    const pod = this.#options.cluster.find("Pod", namespace, name);
    const worker = this.#workers.get(key);
    if (worker && worker.uid !== pod?.metadata.uid) this.#finish(key, worker, this.#options.clock(), undefined);
    const stopping = this.#terminating.get(key);
    if (stopping && stopping.worker.uid !== pod?.metadata.uid) void stopping.worker.terminate(this.#options.clock());
    if (!pod) return {};
    const spec = (pod.spec ?? {}) as { nodeName?: string };
    if (!spec.nodeName) {
      if (pod.metadata.deletionTimestamp) return {};
      this.#bind(pod);
      return {};
    }
    if (spec.nodeName !== this.nodeName) return {};
    const current = this.#workers.get(key);
    if (pod.metadata.deletionTimestamp) {
      const deadline = new Date(Date.parse(pod.metadata.deletionTimestamp));
      if (current) this.#finish(key, current, deadline, pod);
      else if (stopping) void stopping.worker.terminate(deadline);
      else
        this.#options.cluster.delete("Pod", namespace, name, {
          gracePeriodSeconds: 0,
          preconditions: { uid: pod.metadata.uid ?? "" },
        });
      return {};
    }
    const phase = (pod.status as { phase?: string } | undefined)?.phase;
    if (current || phase === "Succeeded" || phase === "Failed" || this.#terminating.has(key)) return {};
    const started = new PodWorker({
      pod,
      cluster: this.#options.cluster,
      runtime: this.#options.runtime,
      clock: this.#options.clock,
      backoff: this.#options.backoff,
      nodeName: this.nodeName,
      hostIP: this.#options.hostIP ?? "127.0.0.1",
      podIP: this.#ips.allocate(pod.metadata.uid ?? ""),
      podDir: join(this.#options.podsDir, pod.metadata.uid ?? ""),
      writeKubeconfig: this.#options.writeKubeconfig,
    });
    this.#workers.set(key, started);
    started.start();
    return {};
  }

  #bind(pod: KubeObject): void {
    const bound = this.#options.scheduler.update("Pod", {
      ...pod,
      spec: { ...(pod.spec as object), nodeName: this.nodeName },
    });
    const message = `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${this.nodeName}`;
    this.#options.scheduler.recordEvent(bound, "Normal", "Scheduled", message, { component: "default-scheduler" });
  }

  /** Stops a worker's containers (by `deadline`), then removes the Pod object if it still is `pod`. */
  #finish(key: string, worker: PodWorker, deadline: Date, pod: KubeObject | undefined): void {
    this.#workers.delete(key);
    const done = worker.terminate(deadline).then(() => {
      this.#ips.release(worker.uid);
      if (pod) {
        const [namespace, name] = splitQueueKey(key);
        const live = this.#options.cluster.find("Pod", namespace, name);
        if (live?.metadata.uid === worker.uid)
          this.#options.cluster.delete("Pod", namespace, name, {
            gracePeriodSeconds: 0,
            preconditions: { uid: worker.uid },
          });
      }
      rmSync(join(this.#options.podsDir, worker.uid), { recursive: true, force: true });
    });
    this.#terminating.set(key, { worker, done });
    void done
      .finally(() => {
        this.#terminating.delete(key);
        this.#queue.add(key);
      })
      .catch((error: unknown) =>
        this.#options.log(
          `devcluster: stopping pod "${key}" failed: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
  }
}
