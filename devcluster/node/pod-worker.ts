// The kubelet's work for one Pod: pull, start and watch each container, probe readiness and liveness,
// restart crashed containers with backoff, keep the Pod's status true, and stop it gracefully.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { kubeTime } from "../registry/index.ts";
import type { KubeObject } from "../registry/index.ts";
import type { ClusterObjects } from "../controllers/index.ts";
import { containerArgv } from "./container-command.ts";
import { containerEnv, expandArgs } from "./container-env.ts";
import type { EnvVar } from "./container-env.ts";
import { ContainerLog } from "./container-log.ts";
import type { ContainerRuntime, PulledImage, RunningContainer } from "./container-runtime.ts";
import { podStatus } from "./pod-status.ts";
import type { ContainerState, ContainerStatus, PodCondition } from "./pod-status.ts";
import { runProbe } from "./probe.ts";
import type { Probe } from "./probe.ts";
import { restartDelay } from "./restart-backoff.ts";
import type { RestartBackoff } from "./restart-backoff.ts";

export interface PodWorkerOptions {
  pod: KubeObject;
  cluster: ClusterObjects;
  runtime: ContainerRuntime;
  clock: () => Date;
  backoff: RestartBackoff;
  nodeName: string;
  hostIP: string;
  podIP: string;
  /** The Pod's own directory on the host (logs, kubeconfig, HOME). */
  podDir: string;
  /** Writes the Pod's kubeconfig (its ServiceAccount's token) to `path`. */
  writeKubeconfig: (path: string, pod: KubeObject) => void;
  /** How often to probe before the first success (the kubelet waits a full period); default 100 ms. */
  firstProbeMillis?: number;
}

interface ContainerSpec {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  workingDir?: string;
  env?: EnvVar[];
  ports?: { name?: string; containerPort?: number }[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
}

interface Container {
  spec: ContainerSpec;
  status: ContainerStatus;
  running?: RunningContainer;
  runStartedAt?: number;
  delay?: number;
  log?: ContainerLog;
  previousLog?: ContainerLog;
  /** Set while a liveness failure or a Pod stop is killing it. */
  killing?: "liveness" | "stop";
  /** The pull-run-restart loop; it ends once the Pod stops and the last run exited. */
  loop?: Promise<void>;
}

const kubeletSource = (host: string) => ({ component: "kubelet", host });
const kubeconfigMount = "/var/run/secrets/kontinue.cloud/kubeconfig";

export class PodWorker {
  readonly #options: PodWorkerOptions;
  readonly #containers: Container[];
  readonly #stopped: Promise<void>;
  #stop: (() => void) | undefined;
  #stopping = false;
  #detached = false;
  #pod: KubeObject;
  #startTime: string;
  readonly #timers = new Set<NodeJS.Timeout>();
  #killAt: number | undefined;
  #killTimer: NodeJS.Timeout | undefined;
  /** The grace period ran out: a container that starts now is killed at once. */
  #killed = false;

  constructor(options: PodWorkerOptions) {
    this.#options = options;
    this.#pod = options.pod;
    const previous =
      (options.pod.status as { containerStatuses?: ContainerStatus[] } | undefined)?.containerStatuses ?? [];
    this.#startTime =
      (options.pod.status as { startTime?: string } | undefined)?.startTime ?? kubeTime(options.clock());
    this.#containers = ((options.pod.spec as { containers?: ContainerSpec[] }).containers ?? []).map((spec) => ({
      spec,
      status: {
        name: spec.name,
        image: spec.image,
        imageID: "",
        state: { waiting: { reason: "ContainerCreating" } },
        lastState: {},
        ready: false,
        started: false,
        restartCount: previous.find((status) => status.name === spec.name)?.restartCount ?? 0,
      },
    }));
    this.#stopped = new Promise((resolve) => (this.#stop = resolve));
  }

  get uid(): string {
    return this.#pod.metadata.uid ?? "";
  }

  /** The container's current or previous run's log. */
  log(container: string | undefined, previous: boolean): ContainerLog | undefined {
    const found =
      container === undefined
        ? this.#containers[0]
        : this.#containers.find((candidate) => candidate.spec.name === container);
    return previous ? found?.previousLog : found?.log;
  }

  containerNames(): string[] {
    return this.#containers.map((container) => container.spec.name);
  }

  start(): void {
    mkdirSync(this.#options.podDir, { recursive: true });
    this.#options.writeKubeconfig(join(this.#options.podDir, "kubeconfig"), this.#pod);
    this.#writeStatus();
    for (const container of this.#containers) container.loop = this.#runContainer(container);
  }

  /** Stops writing to the API (devcluster is closing; its store may be gone). */
  detach(): void {
    this.#detached = true;
  }

  /** SIGTERM to every container, SIGKILL to those still running at `deadline`; resolves when all ended. */
  async terminate(deadline: Date): Promise<void> {
    if (!this.#stopping) {
      this.#stopping = true;
      this.#stop?.();
      for (const timer of this.#timers) clearTimeout(timer);
      for (const container of this.#containers) {
        if (!container.running) continue;
        container.killing = "stop";
        container.running.signal("SIGTERM");
        this.#event("Normal", "Killing", `Stopping container ${container.spec.name}`);
      }
    }
    const deadlineMillis = deadline.getTime();
    if (this.#killAt === undefined || deadlineMillis < this.#killAt) {
      this.#killAt = deadlineMillis;
      clearTimeout(this.#killTimer);
      this.#killTimer = setTimeout(
        () => {
          this.#killed = true;
          for (const container of this.#containers) container.running?.signal("SIGKILL");
        },
        Math.max(0, deadlineMillis - this.#options.clock().getTime()),
      );
    }
    // The loops, not only the running processes: a container whose start was in flight when the stop came runs
    // until it exits too, and its Pod IP and ports must not be handed to another Pod before.
    await Promise.all(this.#containers.map((container) => container.loop));
    clearTimeout(this.#killTimer);
    this.#writeStatus();
  }

  #sleep(millis: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        resolve();
      }, millis);
      this.#timers.add(timer);
      void this.#stopped.then(() => resolve());
    });
  }

  async #pull(container: Container): Promise<PulledImage | undefined> {
    let delay: number | undefined;
    while (!this.#stopping) {
      const started = Date.now();
      this.#event("Normal", "Pulling", `Pulling image "${container.spec.image}"`);
      try {
        const image = await this.#options.runtime.pull(container.spec.image);
        this.#event(
          "Normal",
          "Pulled",
          `Successfully pulled image "${container.spec.image}" in ${Date.now() - started}ms`,
        );
        return image;
      } catch (error) {
        const message =
          `Failed to pull image ` +
          `"${container.spec.image}": ${error instanceof Error ? error.message : String(error)}`;
        this.#event("Warning", "Failed", message);
        this.#setState(container, {
          waiting: { reason: delay === undefined ? "ErrImagePull" : "ImagePullBackOff", message },
        });
        delay = restartDelay(this.#options.backoff, delay, 0);
        await this.#sleep(delay);
      }
    }
    return undefined;
  }

  async #runContainer(container: Container): Promise<void> {
    const image = await this.#pull(container);
    if (!image) return;
    container.status.imageID = image.imageID;
    const restartPolicy = ((this.#pod.spec as { restartPolicy?: string }).restartPolicy ?? "Always") as
      | "Always"
      | "OnFailure"
      | "Never";
    while (!this.#stopping) {
      const exit = await this.#runOnce(container, image);
      if (this.#stopping || exit === undefined) return;
      if (restartPolicy === "Never" || (restartPolicy === "OnFailure" && exit === 0)) return;
      container.delay = restartDelay(
        this.#options.backoff,
        container.delay,
        Date.now() - (container.runStartedAt ?? Date.now()),
      );
      container.status.lastState = container.status.state;
      const pod = `${this.#pod.metadata.name}_${this.#pod.metadata.namespace}(${this.uid})`;
      const message =
        `back-off ${Math.round(container.delay / 1000)}s restarting failed ` +
        `container=${container.spec.name} pod=${pod}`;
      this.#setState(container, { waiting: { reason: "CrashLoopBackOff", message } });
      this.#event("Warning", "BackOff", `Back-off restarting failed container ${container.spec.name} in pod ${pod}`);
      await this.#sleep(container.delay);
      if (this.#stopping) return;
      container.status.restartCount += 1;
    }
  }

  /** One run of the container; its exit code, or undefined when it could not start. */
  async #runOnce(container: Container, image: PulledImage): Promise<number | undefined> {
    const { spec } = container;
    const fields = {
      pod: this.#pod,
      podIP: this.#options.podIP,
      hostIP: this.#options.hostIP,
      nodeName: this.#options.nodeName,
    };
    const env = containerEnv(image.process.env, spec.env ?? [], fields);
    env.set(
      "KUBECONFIG",
      this.#options.runtime.mode === "docker" ? kubeconfigMount : join(this.#options.podDir, "kubeconfig"),
    );
    const argv = expandArgs(containerArgv(image.process, spec), env);
    const log = new ContainerLog(
      join(this.#options.podDir, `${spec.name}-${container.status.restartCount}.log`),
      this.#options.clock,
    );
    container.previousLog = container.log;
    container.log = log;
    let running: RunningContainer;
    try {
      running = await this.#options.runtime.start({
        podUid: this.uid,
        podName: this.#pod.metadata.name ?? "",
        namespace: this.#pod.metadata.namespace ?? "",
        name: spec.name,
        image,
        argv,
        env,
        ...(spec.workingDir ? { workingDir: spec.workingDir } : {}),
        kubeconfigPath: join(this.#options.podDir, "kubeconfig"),
        kubeconfigMountPath: kubeconfigMount,
        podDir: this.#options.podDir,
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log.end();
      this.#event("Warning", "Failed", `Error: ${message}`);
      const now = kubeTime(this.#options.clock());
      this.#setState(container, {
        terminated: { exitCode: 128, reason: "StartError", message, startedAt: now, finishedAt: now },
      });
      return 128;
    }
    container.running = running;
    container.runStartedAt = Date.now();
    running.stdout.on("data", (chunk: Buffer) => log.write("stdout", chunk));
    running.stderr.on("data", (chunk: Buffer) => log.write("stderr", chunk));
    const startedAt = kubeTime(this.#options.clock());
    container.status.containerID = running.id;
    container.status.started = true;
    this.#event("Normal", "Created", `Created container ${spec.name}`);
    this.#event("Normal", "Started", `Started container ${spec.name}`);
    this.#setState(container, { running: { startedAt } }, !spec.readinessProbe);
    if (this.#stopping) running.signal(this.#killed ? "SIGKILL" : "SIGTERM");
    void this.#probeLoop(container, running, "readiness");
    void this.#probeLoop(container, running, "liveness");
    const exit = await running.exited;
    // The last output may trail the exit: wait (briefly) for both streams to close.
    const closed = (stream: NodeJS.ReadableStream) => new Promise((resolve) => stream.once("close", resolve));
    await Promise.all(
      [running.stdout, running.stderr].map((stream) => Promise.race([closed(stream), this.#sleepPlain(200)])),
    );
    log.end();
    container.running = undefined;
    container.status.started = false;
    const reason = exit.exitCode === 0 ? "Completed" : "Error";
    const finishedAt = kubeTime(this.#options.clock());
    const signal = exit.signal ? { signal: exit.exitCode - 128 } : {};
    this.#setState(container, {
      terminated: { exitCode: exit.exitCode, ...signal, reason, startedAt, finishedAt, containerID: running.id },
    });
    container.killing = undefined;
    return exit.exitCode;
  }

  #sleepPlain(millis: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, millis).unref());
  }

  async #probeLoop(container: Container, running: RunningContainer, kind: "readiness" | "liveness"): Promise<void> {
    const probe = kind === "readiness" ? container.spec.readinessProbe : container.spec.livenessProbe;
    if (!probe) return;
    const label = kind === "readiness" ? "Readiness" : "Liveness";
    if (probe.exec) {
      this.#event(
        "Warning",
        "Unhealthy",
        `${label} probe: exec probes are not run by devcluster's node agent; treated as passing`,
      );
    }
    await this.#sleep((probe.initialDelaySeconds ?? 0) * 1000);
    const period = (probe.periodSeconds ?? 10) * 1000;
    let successes = 0;
    let failures = 0;
    let everSucceeded = false;
    while (!this.#stopping && container.running === running && !container.killing) {
      const result = await runProbe(probe, this.#options.podIP, container.spec.ports ?? []);
      if (this.#stopping || container.running !== running) return;
      if (result.ok) {
        successes += 1;
        failures = 0;
        everSucceeded = true;
        if (kind === "readiness" && successes >= (probe.successThreshold ?? 1) && !container.status.ready)
          this.#setReady(container, true);
      } else {
        failures += 1;
        successes = 0;
        if (failures >= (probe.failureThreshold ?? 3) || (kind === "readiness" && !everSucceeded && failures === 1)) {
          if (everSucceeded || kind === "liveness")
            this.#event("Warning", "Unhealthy", `${label} probe failed: ${result.message ?? ""}`);
          if (kind === "readiness" && container.status.ready && failures >= (probe.failureThreshold ?? 3))
            this.#setReady(container, false);
          if (kind === "liveness" && failures >= (probe.failureThreshold ?? 3)) {
            container.killing = "liveness";
            this.#event(
              "Normal",
              "Killing",
              `Container ${container.spec.name} failed liveness probe, will be restarted`,
            );
            running.signal("SIGTERM");
            const grace =
              ((this.#pod.spec as { terminationGracePeriodSeconds?: number }).terminationGracePeriodSeconds ?? 30) *
              1000;
            void this.#sleep(grace).then(() => running.signal("SIGKILL"));
            return;
          }
        }
      }
      const firstProbe = this.#options.firstProbeMillis ?? 100;
      await this.#sleep(kind === "readiness" && !everSucceeded ? Math.min(period, firstProbe) : period);
    }
  }

  #setReady(container: Container, ready: boolean): void {
    container.status.ready = ready;
    this.#writeStatus();
  }

  #setState(container: Container, state: ContainerState, ready = false): void {
    container.status.state = state;
    container.status.ready = ready && "running" in state;
    this.#writeStatus();
  }

  #writeStatus(): void {
    if (this.#detached) return;
    const live = this.#options.cluster.find("Pod", this.#pod.metadata.namespace ?? "", this.#pod.metadata.name ?? "");
    if (!live || live.metadata.uid !== this.uid) return;
    const previousConditions = (live.status as { conditions?: PodCondition[] } | undefined)?.conditions ?? [];
    const status = podStatus({
      restartPolicy: (live.spec as { restartPolicy?: "Always" | "OnFailure" | "Never" }).restartPolicy ?? "Always",
      containers: this.#containers.map((container) => structuredClone(container.status)),
      previousConditions,
      podIP: this.#options.podIP,
      hostIP: this.#options.hostIP,
      startTime: this.#startTime,
      now: kubeTime(this.#options.clock()),
    });
    this.#pod = this.#options.cluster.updateStatus("Pod", { ...live, status });
  }

  #event(type: "Normal" | "Warning", reason: string, message: string): void {
    if (this.#detached) return;
    const live =
      this.#options.cluster.find("Pod", this.#pod.metadata.namespace ?? "", this.#pod.metadata.name ?? "") ?? this.#pod;
    this.#options.cluster.recordEvent(live, type, reason, message, kubeletSource(this.#options.nodeName));
  }
}
