// A watch that keeps going, as client-go's reflector does: from a resourceVersion, resumed from the last one
// seen when the server ends the stream, re-listed on 410 Gone, retried with backoff when the connection fails.
import { type KubeConfig, Watch } from "@kubernetes/client-node";
import { KubeApiError } from "../runtime/client-entry.ts";

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED";

interface Versioned {
  metadata?: { resourceVersion?: string };
}

export interface WatchObjectsOptions<T extends Versioned> {
  kubeConfig: KubeConfig;
  /** A collection path, e.g. `/apis/kontinue.cloud/v1alpha1/namespaces/ns/executions`. */
  path: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Where to start: changes after this version. */
  resourceVersion: string;
  /** After a 410: the current objects and the list's resourceVersion. */
  list(): Promise<{ items: T[]; resourceVersion: string }>;
  /** Each change; returning true ends the watch. */
  onEvent(type: WatchEventType, object: T): boolean | undefined;
  /** The objects of a re-list (after a 410); returning true ends the watch. */
  onRelist(items: T[]): boolean | undefined;
  /** Epoch milliseconds: the watch ends (resolving "deadline") then. */
  deadline?: number;
  signal?: AbortSignal;
  /** Asks the server to end each stream after this long (default 300 s); the watch resumes. */
  watchTimeoutSeconds?: number;
}

type StreamOutcome = { kind: "stopped" | "ended" | "expired" | "deadline" } | { kind: "failed"; error: unknown };

const maxBackoffMs = 5_000;

/**
 * Watches until `onEvent`/`onRelist` return true ("stopped") or the deadline passes ("deadline"); rejects with a
 * KubeApiError when the server refuses the watch (403, 404) and with the signal's reason when it is aborted.
 */
export async function watchObjects<T extends Versioned>(
  options: WatchObjectsOptions<T>,
): Promise<"stopped" | "deadline"> {
  const position = { resourceVersion: options.resourceVersion };
  let failures = 0;
  for (;;) {
    options.signal?.throwIfAborted();
    if (options.deadline !== undefined && Date.now() >= options.deadline) return "deadline";
    const outcome = await streamOnce(options, position);
    switch (outcome.kind) {
      case "stopped":
      case "deadline":
        return outcome.kind;
      case "ended":
        failures = 0;
        break;
      case "expired": {
        const listed = await options.list();
        position.resourceVersion = listed.resourceVersion;
        if (options.onRelist(listed.items) === true) return "stopped";
        break;
      }
      case "failed":
        if (outcome.error instanceof KubeApiError) throw outcome.error;
        await abortableSleep(Math.min(maxBackoffMs, 100 * 2 ** failures++), options.signal);
        break;
      default: {
        const unknown: never = outcome;
        throw new Error(`unexpected watch outcome ${JSON.stringify(unknown)}`);
      }
    }
  }
}

function streamOnce<T extends Versioned>(
  options: WatchObjectsOptions<T>,
  position: { resourceVersion: string },
): Promise<StreamOutcome> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let controller: AbortController | undefined;
    const settle = (outcome: StreamOutcome | { kind: "aborted" }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      controller?.abort();
      if (outcome.kind === "aborted") reject(options.signal!.reason);
      else resolve(outcome);
    };
    const onAbort = (): void => settle({ kind: "aborted" });
    const timer =
      options.deadline === undefined
        ? undefined
        : setTimeout(() => settle({ kind: "deadline" }), Math.max(0, options.deadline - Date.now()));
    options.signal?.addEventListener("abort", onAbort, { once: true });
    const query = {
      resourceVersion: position.resourceVersion,
      timeoutSeconds: options.watchTimeoutSeconds ?? 300,
      ...(options.labelSelector ? { labelSelector: options.labelSelector } : {}),
      ...(options.fieldSelector ? { fieldSelector: options.fieldSelector } : {}),
    };
    const onLine = (type: string, object: T & { code?: number; message?: string }): void => {
      if (settled) return;
      if (type === "ERROR") {
        settle(
          object.code === 410
            ? { kind: "expired" }
            : { kind: "failed", error: new Error(`watch of ${options.path} failed: ${object.message}`) },
        );
        return;
      }
      if (type !== "ADDED" && type !== "MODIFIED" && type !== "DELETED") {
        if (object.metadata?.resourceVersion) position.resourceVersion = object.metadata.resourceVersion;
        return;
      }
      if (object.metadata?.resourceVersion) position.resourceVersion = object.metadata.resourceVersion;
      if (options.onEvent(type, object) === true) settle({ kind: "stopped" });
    };
    new Watch(options.kubeConfig)
      .watch(options.path, query, onLine, (error: unknown) =>
        settle(error === null || error === undefined ? { kind: "ended" } : failure(error, options.path)),
      )
      .then(
        (started) => {
          controller = started;
          if (settled) started.abort();
        },
        (error: unknown) => settle(failure(error, options.path)),
      );
  });
}

/** A watch the server answered with a non-200: 410 is "expired", another 4xx a KubeApiError; the rest is retried. */
function failure(error: unknown, path: string): StreamOutcome {
  const status = (error as { statusCode?: unknown }).statusCode;
  if (status === 410) return { kind: "expired" };
  if (typeof status === "number" && status >= 400 && status < 500 && status !== 429)
    return {
      kind: "failed",
      error: new KubeApiError({ method: "GET", path }, status, "", `watch refused: ${(error as Error).message}`),
    };
  return { kind: "failed", error };
}

function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const aborted = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", aborted);
      resolve();
    }, ms);
    signal?.addEventListener("abort", aborted, { once: true });
  });
}
