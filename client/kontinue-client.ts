// KontinueClient: start, read, wait for, cancel, signal, retry and list executions over one keep-alive
// connection to the cluster resolveCluster finds.
import { Log } from "@kubernetes/client-node";
import type { Writable } from "node:stream";
import {
  API_VERSION,
  type Execution,
  FUNCTION_LABEL,
  PARENT_CLOSE_LABEL,
  PARENT_UID_LABEL,
  RETRY_OF_ANNOTATION,
  REVISION_LABEL,
  toResourceName,
} from "../crds/index.ts";
import {
  apiStatus,
  createKubeHttp,
  KontinueError,
  KubeApiError,
  type KubeHttp,
  kontinueResources,
  sendSignal,
} from "../runtime/client-entry.ts";
import {
  ExecutionConflictError,
  ExecutionFailedError,
  NotFoundError,
  type Operation,
  UnknownFunctionError,
  WaitTimeoutError,
} from "./client-errors.ts";
import { explainFailure } from "./explain-failure.ts";
import type { ArgsOf, ResultOf } from "../runtime/client-entry.ts";
import { idempotentName } from "./idempotent-name.ts";
import { type ListAllOptions, listAll } from "./list-pages.ts";
import { collectionPath, kinds, type ObjectKind, type ObjectKinds } from "./object-kinds.ts";
import { type ClusterOptions, type ResolvedCluster, resolveCluster } from "./resolve-cluster.ts";
import { isFinished } from "./execution-phase.ts";
import { type WatchEventType, watchObjects } from "./watch-objects.ts";

export interface KontinueClientOptions {
  /** The transport (default: one keep-alive HTTPS agent for the cluster, runtime's createKubeHttp). */
  http?: KubeHttp;
  /** Asks the server to end each watch stream after this long (default 300 s); watches resume from there. */
  watchTimeoutSeconds?: number;
}

export interface CreateExecutionOptions {
  /** The Execution's name (default: from the idempotency key, else generated from the function's). */
  name?: string;
  /** A second create with the same function and key returns the first execution instead of starting another. */
  idempotencyKey?: string;
  namespace?: string;
  labels?: Record<string, string>;
  /** The execution this one retries (annotation kontinue.cloud/retry-of). */
  retryOf?: string;
}

export interface ListOptions extends ListAllOptions {
  namespace?: string;
  labelSelector?: string;
  /** Executions of this function only (its logical name, e.g. processOrder). */
  function?: string;
  /** Executions in this phase only (filtered here: the API cannot select on status). */
  phase?: string;
}

export interface ObjectSelection {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

/** One page: at most `limit` objects, from where `continue` (the previous page's token) left off. */
export interface ObjectListOptions extends ObjectSelection {
  limit?: number;
  continue?: string;
}

export interface ObjectList<T> {
  items: T[];
  resourceVersion: string;
  continue?: string;
}

export interface WatchOptions<K extends ObjectKind> extends ObjectSelection, ListAllOptions {
  /** Changes after this version (a list's resourceVersion). After a 410 the re-list is read `chunkSize` at a time. */
  resourceVersion: string;
  /** Each change (after a 410, each object of the re-list as MODIFIED); returning true ends the watch. */
  onEvent(type: WatchEventType, object: ObjectKinds[K]): boolean | undefined;
  signal?: AbortSignal;
}

/** Finds the cluster (unless given one) and returns a client for it. */
export function createClient(
  options: ClusterOptions | ResolvedCluster = {},
  clientOptions: KontinueClientOptions = {},
): KontinueClient {
  const cluster = "kubeConfig" in options ? options : resolveCluster(options);
  return new KontinueClient(cluster, clientOptions);
}

const inheritedLabels = new Set([REVISION_LABEL, PARENT_UID_LABEL, PARENT_CLOSE_LABEL]);

export class KontinueClient {
  readonly namespace: string;
  readonly cluster: ResolvedCluster;
  readonly #http: KubeHttp;
  readonly #watchTimeoutSeconds: number | undefined;
  readonly #closing = new AbortController();

  constructor(cluster: ResolvedCluster, options: KontinueClientOptions = {}) {
    this.cluster = cluster;
    this.namespace = cluster.namespace;
    this.#http = options.http ?? createKubeHttp(cluster.kubeConfig);
    this.#watchTimeoutSeconds = options.watchTimeoutSeconds;
  }

  /** The API server's URL. */
  get server(): string {
    return this.cluster.kubeConfig.getCurrentCluster()?.server ?? "";
  }

  /**
   * Starts an execution of `fn`. With an idempotency key the name is derived from function and key, so of any
   * number of concurrent creates one wins and the others return that same execution.
   */
  async createExecution<F = unknown>(
    fn: string,
    args: ArgsOf<F>,
    options: CreateExecutionOptions = {},
  ): Promise<Execution> {
    if (typeof fn !== "string" || toResourceName(fn) === "")
      throw new KontinueError("CLIENT_BAD_ARGUMENT", `the function name "${String(fn)}" is not a function's name`, {
        terminal: true,
      });
    const namespace = options.namespace ?? this.namespace;
    const key = options.idempotencyKey;
    const name = options.name ?? (key === undefined ? undefined : idempotentName(fn, key));
    const labels = { ...options.labels, [FUNCTION_LABEL]: toResourceName(fn) };
    const body: Execution = {
      apiVersion: API_VERSION,
      kind: "Execution",
      metadata: {
        ...(name === undefined ? { generateName: `${toResourceName(fn).slice(0, 57)}-` } : { name }),
        namespace,
        labels,
        ...(options.retryOf === undefined ? {} : { annotations: { [RETRY_OF_ANNOTATION]: options.retryOf } }),
      },
      spec: { function: fn, arguments: args ?? null, ...(key === undefined ? {} : { idempotencyKey: key }) },
    };
    const operation: Operation = { verb: "create", resource: kinds.executions.resource, namespace };
    try {
      return (await this.#http({ method: "POST", path: collectionPath("executions", namespace), body })) as Execution;
    } catch (error) {
      if (apiStatus(error) !== 409 || name === undefined) throw await this.#explain(error, operation);
    }
    const existing = await this.getExecution(name, { namespace });
    if (key !== undefined && existing.spec.idempotencyKey === key && existing.spec.function === fn) return existing;
    throw new ExecutionConflictError(
      `cannot start execution "${name}" of "${fn}" in namespace "${namespace}": an execution of ` +
        `"${existing.spec.function}" with that name exists` +
        (existing.spec.idempotencyKey === undefined ? "" : ` (idempotency key "${existing.spec.idempotencyKey}")`) +
        `; pick another name`,
    );
  }

  /** The execution; throws NotFoundError (CLIENT_NOT_FOUND) when it does not exist. */
  async getExecution(name: string, options: { namespace?: string } = {}): Promise<Execution> {
    return this.getObject("executions", name, options);
  }

  /** One object of a kind; throws NotFoundError (CLIENT_NOT_FOUND) when it does not exist. */
  async getObject<K extends ObjectKind>(
    kind: K,
    name: string,
    options: { namespace?: string } = {},
  ): Promise<ObjectKinds[K]> {
    const namespace = options.namespace ?? this.namespace;
    const path = `${collectionPath(kind, namespace)}/${encodeURIComponent(name)}`;
    try {
      return (await this.#http({ method: "GET", path })) as ObjectKinds[K];
    } catch (error) {
      throw await this.#explain(error, { verb: "get", resource: kinds[kind].resource, name, namespace });
    }
  }

  /**
   * Waits (by watch) until the execution finishes and returns its result; throws ExecutionFailedError
   * (CLIENT_EXECUTION_FAILED) when it fails or is cancelled, WaitTimeoutError when `timeoutMs` passes first.
   */
  async waitForResult<F = unknown>(
    name: string,
    options: { timeoutMs?: number; signal?: AbortSignal; namespace?: string } = {},
  ): Promise<ResultOf<F>> {
    const finished = await this.waitForFinish(name, options);
    if (finished.status?.phase === "Completed") return (finished.status.result ?? null) as ResultOf<F>;
    throw new ExecutionFailedError(finished, finished.status?.phase === "Cancelled" ? "Cancelled" : "Failed");
  }

  /** Waits (by watch) until the execution is Completed, Failed or Cancelled, and returns it. */
  async waitForFinish(
    name: string,
    options: { timeoutMs?: number; signal?: AbortSignal; namespace?: string } = {},
  ): Promise<Execution> {
    const namespace = options.namespace ?? this.namespace;
    const timeoutMs = options.timeoutMs ?? 600_000;
    const signal = AbortSignal.any([this.#closing.signal, ...(options.signal ? [options.signal] : [])]);
    let latest = await this.getExecution(name, { namespace });
    if (isFinished(latest)) return latest;
    const gone = () =>
      new NotFoundError(
        { verb: "watch", resource: kinds.executions.resource, name, namespace },
        `${this.cluster.description}: it was deleted while waited for`,
      );
    let deleted = false;
    const ended = await this.watch("executions", {
      namespace,
      fieldSelector: `metadata.name=${name}`,
      resourceVersion: latest.metadata.resourceVersion!,
      signal,
      ...(timeoutMs === Number.POSITIVE_INFINITY ? {} : { deadline: Date.now() + timeoutMs }),
      onEvent: (type, object) => {
        if (type === "DELETED") deleted = true;
        else latest = object;
        return deleted || isFinished(object);
      },
      onRelist: (items) => {
        if (items.length === 0) deleted = true;
        else latest = items[0]!;
        return deleted || isFinished(latest);
      },
    });
    if (deleted) throw gone();
    if (ended === "deadline") throw new WaitTimeoutError(name, namespace, latest.status?.phase ?? "Pending", timeoutMs);
    return latest;
  }

  /** Asks the execution to stop (spec.cancelRequested); its worker or the controller marks it Cancelled. */
  async cancel(name: string, options: { namespace?: string } = {}): Promise<Execution> {
    const namespace = options.namespace ?? this.namespace;
    const path = `${collectionPath("executions", namespace)}/${encodeURIComponent(name)}`;
    try {
      return (await this.#http({
        method: "PATCH",
        path,
        body: { spec: { cancelRequested: true } },
        contentType: "application/merge-patch+json",
      })) as Execution;
    } catch (error) {
      throw await this.#explain(error, { verb: "patch", resource: kinds.executions.resource, name, namespace });
    }
  }

  /** Sends a signal that `ctx.waitForSignal(signal)` receives; the same id twice changes nothing. */
  async signal(
    name: string,
    signal: string,
    payload?: unknown,
    options: { id?: string; namespace?: string } = {},
  ): Promise<{ sent: boolean; id: string }> {
    const namespace = options.namespace ?? this.namespace;
    const { executions } = kontinueResources(this.#http);
    try {
      const result = await sendSignal({
        executions,
        namespace,
        execution: name,
        name: signal,
        payload,
        ...(options.id === undefined ? {} : { id: options.id }),
      });
      return { sent: result.sent, id: result.signal.id };
    } catch (error) {
      throw await this.#explain(error, { verb: "update", resource: kinds.executions.resource, name, namespace });
    }
  }

  /** Starts a new execution with the arguments of a Failed one (or `args`), annotated retry-of the old. */
  async retry(name: string, options: { args?: unknown; namespace?: string } = {}): Promise<Execution> {
    const namespace = options.namespace ?? this.namespace;
    const old = await this.getExecution(name, { namespace });
    const phase = old.status?.phase ?? "Pending";
    if (phase !== "Failed" && phase !== "Cancelled")
      throw new KontinueError(
        "CLIENT_NOT_RETRYABLE",
        `cannot retry execution "${name}" in namespace "${namespace}": it is ${phase}, and only a Failed or ` +
          `Cancelled execution is retried` +
          (phase === "Completed" ? '; start a new one with "kontinue execute"' : " (cancel it first)"),
        { terminal: true },
      );
    const labels = Object.fromEntries(
      Object.entries(old.metadata.labels ?? {}).filter(([label]) => !inheritedLabels.has(label)),
    );
    return this.createExecution(old.spec.function, options.args === undefined ? old.spec.arguments : options.args, {
      namespace,
      labels,
      retryOf: name,
    });
  }

  /** Every execution that matches (read `chunkSize` at a time, see listAllObjects). */
  async list(options: ListOptions = {}): Promise<{ items: Execution[]; resourceVersion: string }> {
    const { function: fn, phase, labelSelector, ...rest } = options;
    const selectors = [
      ...(labelSelector ? [labelSelector] : []),
      ...(fn ? [`${FUNCTION_LABEL}=${toResourceName(fn)}`] : []),
    ];
    const listed = await this.listAllObjects("executions", {
      ...rest,
      ...(selectors.length === 0 ? {} : { labelSelector: selectors.join(",") }),
    });
    const items = phase === undefined ? listed.items : listed.items.filter((item) => item.status?.phase === phase);
    return { items, resourceVersion: listed.resourceVersion };
  }

  /**
   * Every object of a kind that matches, read `chunkSize` (default 500, as kubectl) at a time with `limit` and
   * `continue`; when a continue token expires on the way, the list restarts as one unpaged request (client-go's
   * pager), so the items are always one consistent snapshot at the returned resourceVersion.
   */
  async listAllObjects<K extends ObjectKind>(
    kind: K,
    options: ObjectSelection & ListAllOptions = {},
  ): Promise<{ items: ObjectKinds[K][]; resourceVersion: string }> {
    const { chunkSize, ...selection } = options;
    return listAll((page) => this.listObjects(kind, { ...selection, ...page }), {
      ...(chunkSize === undefined ? {} : { chunkSize }),
    });
  }

  /** One page of the objects of a kind in a namespace (all of them without `limit`). */
  async listObjects<K extends ObjectKind>(
    kind: K,
    options: ObjectListOptions = {},
  ): Promise<ObjectList<ObjectKinds[K]>> {
    const namespace = options.namespace ?? this.namespace;
    const query = new URLSearchParams();
    if (options.labelSelector) query.set("labelSelector", options.labelSelector);
    if (options.fieldSelector) query.set("fieldSelector", options.fieldSelector);
    if (options.limit !== undefined) query.set("limit", String(options.limit));
    if (options.continue) query.set("continue", options.continue);
    const path = `${collectionPath(kind, namespace)}${query.size === 0 ? "" : `?${query}`}`;
    try {
      const list = (await this.#http({ method: "GET", path })) as {
        items: ObjectKinds[K][];
        metadata: { resourceVersion: string; continue?: string };
      };
      return {
        items: list.items,
        resourceVersion: list.metadata.resourceVersion,
        ...(list.metadata.continue ? { continue: list.metadata.continue } : {}),
      };
    } catch (error) {
      throw await this.#explain(error, { verb: "list", resource: kinds[kind].resource, namespace });
    }
  }

  /**
   * Watches objects of a kind from `resourceVersion` until `onEvent` returns true, the deadline passes or the signal
   * aborts; the stream is resumed when the server ends it and re-listed after a 410.
   */
  async watch<K extends ObjectKind>(
    kind: K,
    options: WatchOptions<K> & {
      deadline?: number;
      onRelist?(items: ObjectKinds[K][]): boolean | undefined;
    },
  ): Promise<"stopped" | "deadline"> {
    const namespace = options.namespace ?? this.namespace;
    const relisted = options.onRelist ?? ((items) => items.some((item) => options.onEvent("MODIFIED", item) === true));
    try {
      return await watchObjects<ObjectKinds[K]>({
        kubeConfig: this.cluster.kubeConfig,
        path: collectionPath(kind, namespace),
        resourceVersion: options.resourceVersion,
        ...(options.labelSelector ? { labelSelector: options.labelSelector } : {}),
        ...(options.fieldSelector ? { fieldSelector: options.fieldSelector } : {}),
        ...(options.deadline === undefined ? {} : { deadline: options.deadline }),
        signal: AbortSignal.any([this.#closing.signal, ...(options.signal ? [options.signal] : [])]),
        ...(this.#watchTimeoutSeconds === undefined ? {} : { watchTimeoutSeconds: this.#watchTimeoutSeconds }),
        list: () =>
          this.listAllObjects(kind, {
            namespace,
            ...(options.labelSelector ? { labelSelector: options.labelSelector } : {}),
            ...(options.fieldSelector ? { fieldSelector: options.fieldSelector } : {}),
            ...(options.chunkSize === undefined ? {} : { chunkSize: options.chunkSize }),
          }),
        onEvent: options.onEvent,
        onRelist: relisted,
      });
    } catch (error) {
      throw await this.#explain(error, { verb: "watch", resource: kinds[kind].resource, namespace });
    }
  }

  /** Finds a Function by its logical name (processOrder) or resource name; UnknownFunctionError lists the known. */
  async findFunction(fn: string, options: { namespace?: string } = {}): Promise<ObjectKinds["functions"]> {
    const namespace = options.namespace ?? this.namespace;
    const { items } = await this.listAllObjects("functions", { namespace });
    const found = items.find((item) => item.spec.functionName === fn || item.metadata.name === fn);
    if (found !== undefined) return found;
    const known = items.map((item) => item.spec.functionName).sort();
    throw new UnknownFunctionError(fn, namespace, known, this.cluster.description);
  }

  /** Copies a Pod's log into `into`; with `follow`, until the container ends or the signal aborts. */
  async podLog(
    pod: string,
    into: Writable,
    options: {
      namespace?: string;
      container?: string;
      follow?: boolean;
      tailLines?: number;
      signal?: AbortSignal;
    } = {},
  ): Promise<void> {
    const namespace = options.namespace ?? this.namespace;
    const container =
      options.container ?? (await this.getObject("pods", pod, { namespace })).spec?.containers[0]?.name ?? "";
    const path = `${collectionPath("pods", namespace)}/${encodeURIComponent(pod)}/log`;
    const finished = new Promise<void>((resolve, reject) => {
      into.once("finish", resolve);
      into.once("error", reject);
    });
    let controller: AbortController;
    try {
      controller = await new Log(this.cluster.kubeConfig).log(namespace, pod, container, into, {
        follow: options.follow ?? false,
        ...(options.tailLines === undefined ? {} : { tailLines: options.tailLines }),
      });
    } catch (error) {
      const status = (error as { code?: unknown }).code;
      const failure =
        typeof status === "number" ? new KubeApiError({ method: "GET", path }, status, "", String(error)) : error;
      throw await this.#explain(failure, { verb: "get", resource: "pods/log", name: pod, namespace });
    }
    const signal = AbortSignal.any([this.#closing.signal, ...(options.signal ? [options.signal] : [])]);
    const stop = (): void => {
      controller.abort();
      into.end();
    };
    signal.addEventListener("abort", stop, { once: true });
    try {
      await finished;
    } finally {
      signal.removeEventListener("abort", stop);
    }
  }

  /** Ends the client's watches, waits and log streams; idle keep-alive sockets do not hold the process open. */
  close(): void {
    this.#closing.abort(new KontinueError("CLIENT_CLOSED", "the client was closed", { terminal: true }));
  }

  #explain(error: unknown, operation: Operation): Promise<unknown> {
    return explainFailure(error, operation, {
      http: this.#http,
      cluster: this.cluster.description,
      server: this.server,
    });
  }
}
