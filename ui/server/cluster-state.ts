// One shared informer per kind (executions, functions, schedules, suspensions) feeding the browser's stream:
// each change becomes a projected row, coalesced per object; a relist after the first sync resyncs the browsers.
// Pods and Events are informed too, cut to what the wait breakdown and the Function history need.
import type { CoreV1Event, KubeConfig, V1Pod } from "@kubernetes/client-node";
import {
  FUNCTION_LABEL,
  PLURALS,
  toResourceName,
  type Execution,
  type FunctionResource,
  type ScheduledExecution,
  type Suspension,
} from "../../crds/index.ts";
import {
  ResourceClient,
  apiStatus,
  createResourceInformer,
  type ChangeKind,
  type Clock,
  type KubeHttp,
  type ResourceInformer,
} from "../../runtime/index.ts";
import { executionRow } from "./execution-row.ts";
import { FunctionHistory, type HistoryPoint } from "./function-history.ts";
import { functionRow } from "./function-row.ts";
import { objectEventOf, projectEvent } from "./object-event.ts";
import { ResourceStream, type StreamChange, type StreamKind } from "./resource-stream.ts";
import { type ScalingEvent, scalingEventOf } from "./scaling-event.ts";
import { scheduleRow } from "./schedule-row.ts";
import { UiError } from "./ui-error.ts";
import type { WaitInputs } from "./wait-breakdown.ts";
import { projectPod, workerPodOf } from "./worker-pod.ts";

export interface ClusterStateOptions {
  kubeConfig: KubeConfig;
  http: KubeHttp;
  namespace: string;
  clock: Clock;
  coalesceMs?: number;
  onError(error: unknown): void;
}

export interface ClusterState {
  readonly stream: ResourceStream;
  readonly executions: ResourceInformer<Execution>;
  readonly schedules: ResourceInformer<ScheduledExecution>;
  readonly scheduleClient: ResourceClient<ScheduledExecution>;
  readonly executionClient: ResourceClient<Execution>;
  start(): Promise<void>;
  stop(): Promise<void>;
  suspensionOf(namespace: string, execution: string): Suspension | undefined;
  childrenOf(namespace: string, execution: string): Execution[];
  /** What the wait breakdown of the execution is computed from. */
  waitInputs(execution: Execution): WaitInputs;
  /** The Function's replicas and queue over time; undefined when there is no such Function. */
  historyOf(namespace: string, name: string): HistoryPoint[] | undefined;
}

type Named = { metadata: { name?: string; namespace?: string; resourceVersion?: string } };

const keyOf = (object: { metadata: { namespace?: string; name?: string } }) =>
  `${object.metadata.namespace ?? "default"}/${object.metadata.name}`;

export function createClusterState(options: ClusterStateOptions): ClusterState {
  const { kubeConfig, http, namespace, clock } = options;
  const executionClient = new ResourceClient<Execution>(http, PLURALS.executions);
  const functionClient = new ResourceClient<FunctionResource>(http, PLURALS.functions);
  const scheduleClient = new ResourceClient<ScheduledExecution>(http, PLURALS.scheduledExecutions);
  const suspensionClient = new ResourceClient<Suspension>(http, PLURALS.suspensions);
  const podClient = new ResourceClient<V1Pod & Named>(http, "pods", "/api/v1");
  const eventClient = new ResourceClient<CoreV1Event & Named>(http, "events", "/api/v1");
  const history = new FunctionHistory();
  // The lease goes when an execution finishes: the Pod that first claimed it is remembered for its breakdown.
  const claimedBy = new Map<string, string>();
  const rowOf = {
    execution: (object: Execution) => executionRow(object),
    function: (object: FunctionResource) => functionRow(object),
    schedule: (object: ScheduledExecution) => scheduleRow(object, clock.now()),
  };
  let synced = false;
  const snapshot = (): StreamChange[] => [
    ...executions
      .list()
      .map((object) => ({ kind: "execution" as const, key: keyOf(object), row: rowOf.execution(object) })),
    ...functions
      .list()
      .map((object) => ({ kind: "function" as const, key: keyOf(object), row: rowOf.function(object) })),
    ...schedules
      .list()
      .map((object) => ({ kind: "schedule" as const, key: keyOf(object), row: rowOf.schedule(object) })),
  ];
  const stream = new ResourceStream({
    snapshot,
    clock,
    ...(options.coalesceMs ? { coalesceMs: options.coalesceMs } : {}),
  });
  const publisher =
    <T extends { metadata: { namespace?: string; name?: string; resourceVersion?: string } }>(
      kind: StreamKind,
      row: (object: T) => unknown,
    ) =>
    (object: T, change: ChangeKind) =>
      stream.publish(
        { kind, key: keyOf(object), ...(change === "delete" ? {} : { row: row(object) }) },
        object.metadata.resourceVersion ?? "",
      );
  const common = { kubeConfig, namespace, clock, onError: options.onError };
  // The first sync fills the caches before anyone subscribes; a later one is a relist, which may have skipped events.
  const onSynced = () => synced && stream.resync();
  const publishExecution = publisher("execution", rowOf.execution);
  const executions = createResourceInformer<Execution>({
    ...common,
    client: executionClient,
    onChange: (execution, change) => {
      const key = keyOf(execution);
      const lease = execution.status?.lease;
      if (change === "delete") claimedBy.delete(key);
      else if (lease !== undefined && !claimedBy.has(key)) claimedBy.set(key, lease.pod ?? lease.holder);
      publishExecution(execution, change);
    },
    onSynced,
  });
  const publishFunction = publisher("function", rowOf.function);
  const functions = createResourceInformer<FunctionResource>({
    ...common,
    client: functionClient,
    onChange: (fn, change) => {
      if (change === "delete") history.forget(fn.metadata.namespace ?? namespace, fn.metadata.name!);
      else history.observe(fn, clock.now());
      publishFunction(fn, change);
    },
    onSynced,
  });
  const schedules = createResourceInformer<ScheduledExecution>({
    ...common,
    client: scheduleClient,
    onChange: publisher("schedule", rowOf.schedule),
    onSynced,
  });
  const suspensions = createResourceInformer<Suspension>({
    ...common,
    client: suspensionClient,
    // A parked execution's detail shows its Suspension: a change to one is a change of its execution's view.
    onChange: (suspension) => {
      const execution = executions.get(suspension.metadata.namespace ?? namespace, suspension.spec.execution);
      if (execution !== undefined) publishExecution(execution, "update");
    },
    onSynced,
  });
  const pods = createResourceInformer<V1Pod>({
    ...common,
    client: podClient,
    transform: projectPod,
    onChange: () => undefined,
  });
  const events = createResourceInformer<CoreV1Event>({
    ...common,
    client: eventClient,
    transform: projectEvent,
    onChange: () => undefined,
  });
  const scalingOf = (ns: string, fn: string): ScalingEvent[] =>
    events.list().flatMap((event) => {
      const seen = objectEventOf(event);
      const scaling = seen.namespace === ns && seen.involvedName === fn ? scalingEventOf(seen) : undefined;
      return scaling === undefined ? [] : [scaling];
    });
  const informers: Array<Pick<ResourceInformer<unknown>, "start" | "stop">> = [
    executions,
    functions,
    schedules,
    suspensions,
  ];
  // Pods and Events only add detail: a user who may not list them still gets the UI, without the scale-up part.
  const visible = async (client: ResourceClient<Named>): Promise<boolean> => {
    try {
      await client.list(namespace, "kontinue.cloud/no-such-label");
      return true;
    } catch (error) {
      if (apiStatus(error) !== 403) throw error;
      options.onError(
        new UiError(
          "UI_FORBIDDEN",
          `cannot list ${client.plural} in namespace "${namespace}" (${(error as Error).message}); the UI shows ` +
            "no scale-up in its wait breakdowns; grant list/watch on them to see it",
          { cause: error },
        ),
      );
      return false;
    }
  };
  return {
    stream,
    executions,
    schedules,
    scheduleClient,
    executionClient,
    async start() {
      const [podsVisible, eventsVisible] = await Promise.all([visible(podClient), visible(eventClient)]);
      if (podsVisible) informers.push(pods);
      if (eventsVisible) informers.push(events);
      await Promise.all(informers.map((informer) => informer.start()));
      // onSynced runs on the next turn after each first list; only relists after this point resync.
      await new Promise((resolve) => setImmediate(resolve));
      synced = true;
    },
    async stop() {
      await Promise.all(informers.map((informer) => informer.stop()));
    },
    suspensionOf: (ns, execution) =>
      suspensions.list().find((s) => s.metadata.namespace === ns && s.spec.execution === execution),
    childrenOf: (ns, execution) =>
      executions.list().filter((e) => e.metadata.namespace === ns && e.spec.parent?.name === execution),
    waitInputs(execution) {
      const ns = execution.metadata.namespace ?? namespace;
      const lease = execution.status?.lease;
      const podName = claimedBy.get(keyOf(execution)) ?? lease?.pod ?? lease?.holder;
      const pod = podName === undefined ? undefined : pods.get(ns, podName);
      const fn = execution.metadata.labels?.[FUNCTION_LABEL] ?? toResourceName(execution.spec.function);
      return { execution, podName, pod: pod && workerPodOf(pod), scaling: scalingOf(ns, fn) };
    },
    historyOf(ns, name) {
      if (functions.get(ns, name) === undefined) return undefined;
      return history.points(ns, name, scalingOf(ns, name));
    },
  };
}
