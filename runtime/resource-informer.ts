// A client-node informer that keeps going: list, watch from the list's resourceVersion, re-list on 410,
// and — since client-node 1.x informers stop for good on any other error — restart with backoff.
import type { Informer, KubeConfig, KubernetesObject, ObjectCache } from "@kubernetes/client-node";
import type { Clock } from "./clock.ts";
import { systemClock } from "./clock.ts";
import type { ResourceClient } from "./resource-client.ts";

export type ChangeKind = "add" | "update" | "delete";

export interface ResourceInformerOptions<T extends KubernetesObject> {
  kubeConfig: KubeConfig;
  client: ResourceClient<T & { metadata: NonNullable<KubernetesObject["metadata"]> }>;
  /** One namespace, or undefined for all. */
  namespace: string | undefined;
  labelSelector?: string;
  onChange(object: T, kind: ChangeKind): void;
  /** Called after every (re)list and after a restart, so callers can re-scan the cache. */
  onSynced?(): void;
  onError?(error: unknown): void;
  clock?: Clock;
  /**
   * What the cache keeps of each object it takes in (e.g. a projection without large fields), applied
   * before `onChange` sees it; the cache and the callbacks only ever hold the transformed object.
   */
  transform?(object: T): T;
}

export interface ResourceInformer<T> {
  /** Resolves once the first list is in the cache. */
  start(): Promise<void>;
  stop(): Promise<void>;
  list(): readonly T[];
  get(namespace: string, name: string): T | undefined;
}

const maxBackoffMs = 5_000;

export function createResourceInformer<T extends KubernetesObject>(
  options: ResourceInformerOptions<T>,
): ResourceInformer<T> {
  const clock = options.clock ?? systemClock;
  const path = options.client.path(options.namespace);
  const listFn = async () => {
    const list = await options.client.list(options.namespace, options.labelSelector);
    // After the informer has put the list into its cache (it does so right after this promise resolves).
    setImmediate(() => options.onSynced?.());
    return {
      apiVersion: "v1",
      kind: "List",
      items: list.items as T[],
      metadata: { resourceVersion: list.resourceVersion },
    };
  };
  let informer: (Informer<T> & ObjectCache<T>) | undefined;
  let stopped = false;
  let failures = 0;
  let restarting = false;
  // client-node's cache stores the decoded object and hands that same object to the callbacks, which it
  // runs before anything else can read the cache: replacing its contents here is what the cache keeps.
  const transformInPlace = (object: T): T => {
    if (options.transform === undefined) return object;
    const transformed = options.transform(object);
    if (transformed === object) return object;
    const target = object as Record<string, unknown>;
    for (const key of Object.keys(target)) delete target[key];
    return Object.assign(object, transformed);
  };

  // client-node is loaded on first start, so importing the runtime (the SDK in a Function file, the
  // builder, the CLI) does not pay for it.
  const create = async (): Promise<Informer<T> & ObjectCache<T>> => {
    const { makeInformer } = await import("./kube-client.ts");
    const created = makeInformer<T>(options.kubeConfig, path, listFn, options.labelSelector);
    created.on("add", (object) => options.onChange(transformInPlace(object), "add"));
    created.on("update", (object) => {
      failures = 0;
      options.onChange(transformInPlace(object), "update");
    });
    created.on("delete", (object) => options.onChange(object, "delete"));
    created.on("error", (error) => {
      if (stopped) return;
      options.onError?.(error);
      void restart();
    });
    return created;
  };

  const restart = async (): Promise<void> => {
    if (restarting || stopped) return;
    restarting = true;
    const delay = Math.min(maxBackoffMs, 100 * 2 ** failures++);
    await clock.sleep(delay).catch(() => undefined);
    restarting = false;
    if (stopped) return;
    try {
      await informer!.start();
      options.onSynced?.();
    } catch (error) {
      options.onError?.(error);
      void restart();
    }
  };

  return {
    async start() {
      stopped = false;
      informer ??= await create();
      try {
        await informer.start();
      } catch (error) {
        options.onError?.(error);
        void restart();
      }
    },
    async stop() {
      stopped = true;
      await informer?.stop();
    },
    list: () => informer?.list(options.namespace) ?? [],
    get: (namespace, name) => informer?.get(name, namespace),
  };
}
