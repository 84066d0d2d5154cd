// Wiring of the controller: informers on Executions, Suspensions, Functions, ScheduledExecutions and Pods feed
// one work queue per reconciler; on start every object is reconciled, so due timers fire at once.
import type { KubeConfig, V1ObjectMeta, V1Pod } from "@kubernetes/client-node";
import { hostname } from "node:os";
import {
  PLURALS,
  SCHEDULED_EXECUTION_LABEL,
  type Execution,
  type FunctionResource,
  type ScheduledExecution,
  type Suspension,
} from "../crds/index.ts";
import {
  KontinueError,
  ResourceClient,
  ServerClock,
  createKubeHttp,
  createResourceInformer,
  type Clock,
  type KubeHttp,
  type ResourceInformer,
} from "../runtime/index.ts";
import { cancelReconciler } from "./cancel-reconciler.ts";
import { requeueOnClock } from "./clock-requeue.ts";
import { projectExecution } from "./execution-projection.ts";
import { controllerResources } from "./hydrating-execution-client.ts";
import { startLeaderElection, type LeaderElectionOptions } from "./leader-election.ts";
import { eventRecorder } from "./object-event.ts";
import { scheduleReconciler } from "./schedule-reconciler.ts";
import { ttlReconciler } from "./ttl-reconciler.ts";
import { createWorkloadReconcilers } from "./workload-reconcilers.ts";
import { labelReconciler } from "./label-reconciler.ts";
import { leaseReconciler, workerPodState, type WorkerPodState } from "./lease-reconciler.ts";
import { suspensionReconciler } from "./suspension-reconciler.ts";
import { WorkQueue, keyOf, type Reconciler } from "./work-queue.ts";

export type ControllerScope = { namespace: string } | { allNamespaces: true };

export type ControllerOptions = ControllerScope & {
  kubeConfig: KubeConfig;
  /** Default: the API server's time (the system clock offset by what API responses' Date headers say). */
  clock?: Clock;
  /** Default: a keep-alive HTTPS transport for the kubeconfig. */
  http?: KubeHttp;
  /** Stops the controller when it aborts. */
  signal?: AbortSignal;
  /** Where log lines go (default stderr). */
  log?: (line: string) => void;
  /**
   * Default: on, with Lease `kontinue-controller` in the controller's namespace (the scope's, else
   * "default"); only the holder runs reconcilers. "disabled" runs them at once.
   */
  leaderElection?: LeaderElectionSettings | "disabled";
  /** Called after every reconcile with its queue ("function", "lease", …), key and duration in ms. */
  onReconciled?: (queue: string, key: string, milliseconds: number, failed: boolean) => void;
};

export type LeaderElectionSettings = Partial<Omit<LeaderElectionOptions, "http" | "clock" | "log">>;

/** Runs the controller until `signal` aborts. Resolves once it has stopped. */
export async function runController(options: ControllerOptions): Promise<void> {
  const controller = await startController(options);
  if (options.signal !== undefined && !options.signal.aborted) {
    await new Promise<void>((resolve) => options.signal!.addEventListener("abort", () => resolve(), { once: true }));
  }
  await controller.stop();
}

export interface RunningController {
  stop(): Promise<void>;
  /** Whether this controller's reconcilers run (it leads, or leader election is disabled). */
  isLeader(): boolean;
}

/** Starts the controller and resolves once its informers have listed everything. */
const optionKeys = new Set([
  "namespace",
  "allNamespaces",
  "kubeConfig",
  "clock",
  "http",
  "signal",
  "log",
  "leaderElection",
  "onReconciled",
]);

export async function startController(options: ControllerOptions): Promise<RunningController> {
  const unknown = Object.keys(options).filter((key) => !optionKeys.has(key));
  if (unknown.length > 0)
    throw new KontinueError(
      "CONTROLLER_BAD_OPTIONS",
      `cannot start the controller: unknown option(s) ${unknown.map((k) => `"${k}"`).join(", ")}; the options ` +
        `are ${[...optionKeys].join(", ")}`,
      { terminal: true },
    );
  // Due times and leases written by workers are compared in the API server's time, not this machine's.
  const server = new ServerClock();
  const clock = options.clock ?? server;
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const http = options.http ?? createKubeHttp(options.kubeConfig, server.kubeHttpOptions());
  const namespace = "namespace" in options ? options.namespace : undefined;
  if (options.leaderElection !== "disabled") {
    const election = { namespace: namespace ?? "default", ...options.leaderElection, http, clock, log };
    const elector = await startLeaderElection(election, () =>
      startController({ ...options, http, clock, leaderElection: "disabled" }),
    );
    return { stop: () => elector.stop(), isLeader: () => elector.isLeader() };
  }
  const resources = controllerResources(http);
  const queues: WorkQueue[] = [];
  const stopping = new AbortController();
  /** A queue whose requeues run on the injected clock (so a ManualClock drives them). */
  const clockQueue = (name: string, reconcile: Reconciler): WorkQueue => {
    const created: WorkQueue = queue(
      name,
      requeueOnClock(reconcile, { clock, add: (key) => created.add(key), signal: stopping.signal }),
    );
    return created;
  };
  const queue = (name: string, reconcile: Reconciler): WorkQueue => {
    const created = new WorkQueue({
      name,
      reconcile,
      clock,
      concurrency: 4,
      onError: (key, error) =>
        log(`${new Date(clock.now()).toISOString()} warn ${name} ${key}: ${(error as Error).message}`),
      onReconciled: (key, ms, failed) => options.onReconciled?.(name, key, ms, failed),
    });
    queues.push(created);
    return created;
  };
  const common = {
    kubeConfig: options.kubeConfig,
    namespace,
    clock,
    onError: (error: unknown) =>
      log(
        `${new Date(clock.now()).toISOString()} warn watch failed, ` +
          `restarting: ${(error as Error).message ?? String(error)}`,
      ),
  };

  // The informers are created first; the reconcilers read their caches.
  const listers = {} as {
    executions: ResourceInformer<Execution>;
    suspensions: ResourceInformer<Suspension>;
    functions: ResourceInformer<FunctionResource>;
    schedules: ResourceInformer<ScheduledExecution>;
  };
  // Nothing is reconciled until every cache has listed: a reconcile must not mistake "not listed yet" for "gone".
  let synced = false;
  const executionsView = {
    get: (ns: string, n: string) => listers.executions.get(ns, n),
    list: () => listers.executions.list(),
  };
  const suspensionsView = {
    get: (ns: string, n: string) => listers.suspensions.get(ns, n),
    list: () => listers.suspensions.list(),
  };
  const functionsView = {
    get: (ns: string, n: string) => listers.functions.get(ns, n),
    list: () => listers.functions.list(),
  };
  const schedulesView = {
    get: (ns: string, n: string) => listers.schedules.get(ns, n),
    list: () => listers.schedules.list(),
  };

  const pods = await watchPods({
    options,
    http,
    namespace,
    log,
    clock,
    onChange: (pod) => {
      if (!synced) return;
      for (const execution of listers.executions.list()) {
        if (
          execution.metadata.namespace === pod.metadata?.namespace &&
          execution.status?.lease?.pod === pod.metadata?.name
        )
          leases.add(keyOf(execution));
      }
    },
  });

  const workloads = createWorkloadReconcilers({
    kubeConfig: options.kubeConfig,
    http,
    resources,
    namespace,
    clock,
    log,
    queue,
    instance: hostname(),
    executions: executionsView,
    functions: functionsView,
    suspensions: suspensionsView,
  });
  const labels = queue("label", labelReconciler({ executions: executionsView, client: resources.executions }));
  const leases = clockQueue(
    "lease",
    leaseReconciler({
      executions: executionsView,
      functions: functionsView,
      client: resources.executions,
      clock,
      ...(pods === undefined ? {} : { workerPod: pods.state }),
    }),
  );
  const cancels = queue("cancel", cancelReconciler({ executions: executionsView, resources, clock }));
  const suspensions = clockQueue(
    "suspension",
    suspensionReconciler({
      executions: executionsView,
      suspensions: suspensionsView,
      functions: functionsView,
      resources,
      clock,
      onRepair: (e) =>
        log(
          `${new Date(clock.now()).toISOString()} warn execution ${keyOf(e)} was Suspended without a Suspension; put ` +
            `back to Pending`,
        ),
    }),
  );
  const ttls = clockQueue(
    "ttl",
    ttlReconciler({ executions: executionsView, functions: functionsView, client: resources.executions, clock }),
  );
  const scheduleClient = new ResourceClient<ScheduledExecution>(http, PLURALS.scheduledExecutions);
  const recordEvent = eventRecorder(http, (error) =>
    log(`${new Date(clock.now()).toISOString()} warn recording an Event failed: ${(error as Error).message}`),
  );
  const schedules = clockQueue(
    "schedule",
    scheduleReconciler({
      schedules: schedulesView,
      executions: executionsView,
      scheduleClient,
      executionClient: resources.executions,
      recordEvent,
      clock,
    }),
  );

  const onExecution = (execution: Execution): void => {
    if (!synced) return;
    const key = keyOf(execution);
    labels.add(key);
    leases.add(key);
    cancels.add(key);
    suspensions.add(key);
    ttls.add(key);
    const parent = execution.spec.parent?.name;
    if (parent !== undefined) suspensions.add(`${execution.metadata.namespace}/${parent}`);
    const schedule = execution.metadata.labels?.[SCHEDULED_EXECUTION_LABEL];
    if (schedule !== undefined) schedules.add(`${execution.metadata.namespace}/${schedule}`);
  };
  listers.executions = createResourceInformer<Execution>({
    ...common,
    client: resources.executions,
    transform: projectExecution,
    onChange: (execution, kind) => {
      workloads.executionChanged(execution, kind);
      onExecution(execution);
    },
    onSynced: () => listers.executions.list().forEach(onExecution),
  });
  listers.suspensions = createResourceInformer<Suspension>({
    ...common,
    client: resources.suspensions,
    onChange: (suspension) => {
      workloads.suspensionChanged(suspension);
      if (synced) suspensions.add(keyOf(suspension));
    },
    onSynced: () => synced && listers.suspensions.list().forEach((suspension) => suspensions.add(keyOf(suspension))),
  });
  const wakeParked = (): void => {
    if (!synced) return;
    for (const suspension of listers.suspensions.list())
      if (suspension.spec.reason === "NonDeterminism") suspensions.add(keyOf(suspension));
  };
  listers.functions = createResourceInformer<FunctionResource>({
    ...common,
    client: resources.functions,
    onChange: (fn, kind) => {
      workloads.functionChanged(fn, kind);
      wakeParked();
    },
    onSynced: wakeParked,
  });
  const addSchedules = (): void =>
    void (synced && listers.schedules.list().forEach((schedule) => schedules.add(keyOf(schedule))));
  listers.schedules = createResourceInformer<ScheduledExecution>({
    ...common,
    client: scheduleClient,
    onChange: (schedule) => synced && schedules.add(keyOf(schedule)),
    onSynced: addSchedules,
  });

  await pods?.informer.start();
  await listers.functions.start();
  await listers.suspensions.start();
  await listers.schedules.start();
  await listers.executions.start();
  await workloads.start();
  synced = true;
  addSchedules();
  listers.executions.list().forEach(onExecution);
  listers.suspensions.list().forEach((suspension) => suspensions.add(keyOf(suspension)));
  wakeParked();
  return {
    isLeader: () => true,
    async stop() {
      stopping.abort();
      await Promise.all([
        listers.executions.stop(),
        listers.suspensions.stop(),
        listers.functions.stop(),
        listers.schedules.stop(),
        pods?.informer.stop(),
        workloads.stop(),
      ]);
      await Promise.all(queues.map((q) => q.stop()));
    },
  };
}

/** When the controller may list Pods: a cache of them, and a worker Pod's state (cache, then a GET when not cached). */
async function watchPods(context: {
  options: ControllerOptions;
  http: KubeHttp;
  namespace: string | undefined;
  log: (line: string) => void;
  clock: Clock;
  onChange: (pod: V1Pod) => void;
}): Promise<
  { informer: ResourceInformer<V1Pod>; state: (namespace: string, name: string) => Promise<WorkerPodState> } | undefined
> {
  const client = new ResourceClient<V1Pod & { metadata: V1ObjectMeta }>(context.http, "pods", "/api/v1");
  try {
    await client.list(context.namespace, "kontinue.cloud/no-such-label");
  } catch (error) {
    context.log(
      `${new Date(context.clock.now()).toISOString()} info Pods are not visible (${(error as Error).message}); ` +
        `leases are reaped when they expire`,
    );
    return undefined;
  }
  const informer = createResourceInformer<V1Pod>({
    kubeConfig: context.options.kubeConfig,
    client,
    namespace: context.namespace,
    clock: context.clock,
    onChange: (pod) => context.onChange(pod),
  });
  return {
    informer,
    state: async (namespace, name) =>
      workerPodState(informer.get(namespace, name) ?? (await client.get(namespace, name))),
  };
}
