// Wiring of the controller's workload half: informers on the objects it creates for Functions (labelled
// app.kubernetes.io/managed-by=kontinue), the execution index, and the function and revision queues.
// run-controller.ts feeds it the Execution, Function and Suspension events it already watches.
import type {
  KubeConfig,
  V1Deployment,
  V1ObjectMeta,
  V1Pod,
  V1Role,
  V1RoleBinding,
  V1ServiceAccount,
} from "@kubernetes/client-node";
import {
  FUNCTION_LABEL,
  MANAGED_BY,
  MANAGED_BY_LABEL,
  type Execution,
  type FunctionResource,
  type Suspension,
} from "../crds/index.ts";
import {
  ResourceClient,
  createResourceInformer,
  type ChangeKind,
  type Clock,
  type KontinueResources,
  type KubeHttp,
  type ResourceInformer,
} from "../runtime/index.ts";
import { createEventRecorder } from "./event-recorder.ts";
import { ExecutionIndex, functionKeyOf } from "./execution-index.ts";
import { functionReconciler, type WorkloadClients } from "./function-reconciler.ts";
import type { Lister } from "./lister.ts";
import { revisionReconciler } from "./revision-reconciler.ts";
import { type WorkQueue, keyOf, type Reconciler } from "./work-queue.ts";

type Meta<T> = T & { metadata: V1ObjectMeta };

export interface WorkloadReconcilersOptions {
  kubeConfig: KubeConfig;
  http: KubeHttp;
  resources: KontinueResources;
  namespace: string | undefined;
  executions: Lister<Execution>;
  functions: Lister<FunctionResource>;
  suspensions: Lister<Suspension>;
  clock: Clock;
  /** Names the controller in the Events it records. */
  instance: string;
  log: (line: string) => void;
  queue: (name: string, reconcile: Reconciler) => WorkQueue;
}

export interface WorkloadReconcilers {
  /** Every Execution informer event, from the first list on. */
  executionChanged(execution: Execution, kind: ChangeKind): void;
  functionChanged(fn: FunctionResource, kind: ChangeKind): void;
  suspensionChanged(suspension: Suspension): void;
  /** Starts the informers of owned objects; then reconciles every Function and Execution. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createWorkloadReconcilers(options: WorkloadReconcilersOptions): WorkloadReconcilers {
  const { http, namespace, clock } = options;
  const clients: WorkloadClients = {
    functions: options.resources.functions,
    deployments: new ResourceClient<Meta<V1Deployment>>(http, "deployments", "/apis/apps/v1"),
    serviceAccounts: new ResourceClient<Meta<V1ServiceAccount>>(http, "serviceaccounts", "/api/v1"),
    roles: new ResourceClient<Meta<V1Role>>(http, "roles", "/apis/rbac.authorization.k8s.io/v1"),
    roleBindings: new ResourceClient<Meta<V1RoleBinding>>(http, "rolebindings", "/apis/rbac.authorization.k8s.io/v1"),
    pods: new ResourceClient<Meta<V1Pod>>(http, "pods", "/api/v1"),
  };
  const index = new ExecutionIndex();
  const events = createEventRecorder({ http, clock, instance: options.instance, log: options.log });
  let started = false;
  const informers: ResourceInformer<unknown>[] = [];
  const owned = <T extends { metadata?: V1ObjectMeta }>(client: ResourceClient<Meta<T>>): ResourceInformer<Meta<T>> => {
    const informer = createResourceInformer<Meta<T>>({
      kubeConfig: options.kubeConfig,
      client,
      namespace,
      clock,
      labelSelector: `${MANAGED_BY_LABEL}=${MANAGED_BY}`,
      onChange: (object) => {
        const fn = object.metadata.labels?.[FUNCTION_LABEL];
        if (started && fn !== undefined) functions.add(`${object.metadata.namespace}/${fn}`);
      },
      onError: (error) =>
        options.log(
          `${new Date(clock.now()).toISOString()} warn watch of ${client.plural} failed, ` +
            `restarting: ${(error as Error).message}`,
        ),
    });
    informers.push(informer);
    return informer;
  };
  const deployments = owned<V1Deployment>(clients.deployments);
  const serviceAccounts = owned<V1ServiceAccount>(clients.serviceAccounts);
  const roles = owned<V1Role>(clients.roles);
  const roleBindings = owned<V1RoleBinding>(clients.roleBindings);
  let pods: ResourceInformer<Meta<V1Pod>> | undefined;

  const functions = options.queue(
    "function",
    functionReconciler({
      functions: options.functions,
      deployments,
      serviceAccounts,
      roles,
      roleBindings,
      pods: { get: (ns, name) => pods?.get(ns, name), list: () => pods?.list() ?? [] },
      index,
      clients,
      events,
      clock,
    }),
  );
  const revisions = options.queue(
    "revision",
    revisionReconciler({
      executions: options.executions,
      functions: options.functions,
      suspensions: options.suspensions,
      client: options.resources.executions,
      events,
    }),
  );
  /** The generation each Function was last seen at: executions are re-pinned when its spec changes. */
  const generations = new Map<string, number | undefined>();

  return {
    executionChanged(execution, kind) {
      index.observe(execution, kind);
      if (!started) return;
      functions.add(functionKeyOf(execution));
      if (kind !== "delete") revisions.add(keyOf(execution));
    },
    functionChanged(fn, kind) {
      const key = keyOf(fn);
      if (kind === "delete") generations.delete(key);
      if (!started || kind === "delete") return;
      functions.add(key);
      if (generations.get(key) === fn.metadata.generation) return;
      generations.set(key, fn.metadata.generation);
      for (const execution of index.executionsOf(key)) revisions.add(execution);
    },
    suspensionChanged(suspension) {
      if (started && suspension.spec.reason === "NonDeterminism")
        revisions.add(`${suspension.metadata.namespace}/${suspension.spec.execution}`);
    },
    async start() {
      if (await canList(clients.pods)) pods = owned<V1Pod>(clients.pods);
      await Promise.all(informers.map((informer) => informer.start()));
      started = true;
      for (const fn of options.functions.list()) {
        generations.set(keyOf(fn), fn.metadata.generation);
        functions.add(keyOf(fn));
      }
      for (const execution of options.executions.list()) revisions.add(keyOf(execution));
    },
    async stop() {
      started = false;
      await Promise.all(informers.map((informer) => informer.stop()));
    },
  };

  /**
   * Whether the controller may list `client`'s kind (Pods are optional: without them, no pull troubles or deletion
   * costs).
   */
  async function canList(client: ResourceClient<Meta<V1Pod>>): Promise<boolean> {
    try {
      await client.list(namespace, "kontinue.cloud/no-such-label");
      return true;
    } catch {
      return false;
    }
  }
}
