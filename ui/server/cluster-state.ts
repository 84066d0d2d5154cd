// One shared informer per kind (executions, functions, schedules, suspensions) feeding the browser's stream:
// each change becomes a projected row, coalesced per object; a relist after the first sync resyncs the browsers.
import type { KubeConfig } from "@kubernetes/client-node";
import {
  PLURALS,
  type Execution,
  type FunctionResource,
  type ScheduledExecution,
  type Suspension,
} from "../../crds/index.ts";
import {
  ResourceClient,
  createResourceInformer,
  type ChangeKind,
  type Clock,
  type KubeHttp,
  type ResourceInformer,
} from "../../runtime/index.ts";
import { executionRow } from "./execution-row.ts";
import { functionRow } from "./function-row.ts";
import { ResourceStream, type StreamChange, type StreamKind } from "./resource-stream.ts";
import { scheduleRow } from "./schedule-row.ts";

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
}

const keyOf = (object: { metadata: { namespace?: string; name?: string } }) =>
  `${object.metadata.namespace ?? "default"}/${object.metadata.name}`;

export function createClusterState(options: ClusterStateOptions): ClusterState {
  const { kubeConfig, http, namespace, clock } = options;
  const executionClient = new ResourceClient<Execution>(http, PLURALS.executions);
  const functionClient = new ResourceClient<FunctionResource>(http, PLURALS.functions);
  const scheduleClient = new ResourceClient<ScheduledExecution>(http, PLURALS.scheduledExecutions);
  const suspensionClient = new ResourceClient<Suspension>(http, PLURALS.suspensions);
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
  const executions = createResourceInformer<Execution>({
    ...common,
    client: executionClient,
    onChange: publisher("execution", rowOf.execution),
    onSynced,
  });
  const functions = createResourceInformer<FunctionResource>({
    ...common,
    client: functionClient,
    onChange: publisher("function", rowOf.function),
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
      if (execution !== undefined) publisher("execution", rowOf.execution)(execution, "update");
    },
    onSynced,
  });
  const informers = [executions, functions, schedules, suspensions];
  return {
    stream,
    executions,
    schedules,
    scheduleClient,
    executionClient,
    async start() {
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
  };
}
