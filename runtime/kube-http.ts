// The HTTP transport to the Kubernetes API: one keep-alive HTTPS agent per kubeconfig, JSON in and out.
// (client-node's generated clients open a new TLS connection per request, too slow for one write per step.)
import type { KubeConfig } from "@kubernetes/client-node";
import http from "node:http";
import https from "node:https";
import { systemClock, type Clock } from "./clock.ts";
import { KontinueError } from "./kontinue-error.ts";

export interface KubeRequest {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Path with query, e.g. `/apis/kontinue.cloud/v1alpha1/namespaces/default/executions`. */
  path: string;
  body?: unknown;
  /** Default `application/json`; patches name their type. */
  contentType?: string;
}

/** Sends one request and resolves to the parsed JSON answer; a non-2xx answer rejects with `KubeApiError`. */
export type KubeHttp = (request: KubeRequest) => Promise<unknown>;

/** A metav1.Status's `details`: which object the failure is about, and why field by field. */
export interface KubeStatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: { reason?: string; message?: string; field?: string }[];
  retryAfterSeconds?: number;
}

export class KubeApiError extends KontinueError {
  readonly status: number;
  /** The Status's reason (NotFound, Conflict, Expired…), "Unknown" when the answer was not a Status. */
  readonly reason: string;
  readonly details: KubeStatusDetails | undefined;
  constructor(request: KubeRequest, status: number, reason: string, message: string, details?: KubeStatusDetails) {
    super(
      "RUNTIME_KUBE_API",
      `${request.method} ${request.path.split("?")[0]} failed: ${status} ${reason}: ${message}`,
      { terminal: status < 500 && status !== 429 },
    );
    this.name = "KubeApiError";
    this.status = status;
    this.reason = reason;
    this.details = details;
  }
}

/** The HTTP status of a Kubernetes API failure, or undefined for anything else (network errors included). */
export function apiStatus(error: unknown): number | undefined {
  return error instanceof Error && (error as Partial<KubeApiError>).code === "RUNTIME_KUBE_API"
    ? (error as KubeApiError).status
    : undefined;
}

/** A failure worth retrying: no answer at all, 429, or a 5xx. */
export function isTransientFailure(error: unknown): boolean {
  const status = apiStatus(error);
  return status === undefined ? !(error instanceof KontinueError) : status === 429 || status >= 500;
}

const headerRefreshMs = 60_000;

/** How long one request may take, answer included, before it is abandoned (a transient failure, retried). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/**
 * A transport for the kubeconfig's current context; credentials are re-read every minute (rotating tokens).
 * Every request has a deadline, so a half-open connection cannot hold a status write or a lease renewal.
 */
export interface KubeHttpOptions {
  /** Default DEFAULT_REQUEST_TIMEOUT_MS. */
  requestTimeoutMs?: number;
  /** Told of every answer: its `Date` header and when (on `clock`) the request went out and the answer came. */
  onResponse?(response: { date: string | undefined; sentAt: number; receivedAt: number }): void;
  /** Times requests for `onResponse` (default the system clock). */
  clock?: Clock;
}

export function createKubeHttp(kubeConfig: KubeConfig, options: KubeHttpOptions = {}): KubeHttp {
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const clock = options.clock ?? systemClock;
  const cluster = kubeConfig.getCurrentCluster();
  if (cluster === null)
    throw new KontinueError(
      "RUNTIME_NO_CLUSTER",
      "cannot reach Kubernetes: the kubeconfig has no current cluster; set KUBECONFIG or a current context",
      { terminal: true },
    );
  const server = new URL(cluster.server);
  const secure = server.protocol === "https:";
  let agent: http.Agent | undefined;
  let headers: Record<string, string> = {};
  let refreshedAt = -Infinity;
  let refreshing: Promise<void> | undefined;

  const refresh = async (): Promise<void> => {
    const options: https.RequestOptions = {};
    await kubeConfig.applyToHTTPSOptions(options);
    headers = Object.fromEntries(Object.entries(options.headers ?? {}).map(([k, v]) => [k, String(v)]));
    agent ??= secure
      ? new https.Agent({
          keepAlive: true,
          maxSockets: 32,
          ca: options.ca,
          cert: options.cert,
          key: options.key,
          rejectUnauthorized: options.rejectUnauthorized ?? !cluster.skipTLSVerify,
        })
      : new http.Agent({ keepAlive: true, maxSockets: 32 });
    refreshedAt = Date.now();
  };

  return async (request) => {
    if (Date.now() - refreshedAt > headerRefreshMs) {
      refreshing ??= refresh().finally(() => (refreshing = undefined));
      await refreshing;
    }
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    const basePath = server.pathname.replace(/\/$/, "");
    return new Promise<unknown>((resolve, reject) => {
      const req = (secure ? https : http).request(
        {
          host: server.hostname,
          port: server.port,
          method: request.method,
          path: basePath + request.path,
          agent,
          headers: {
            ...headers,
            Accept: "application/json",
            ...(body === undefined
              ? {}
              : {
                  "Content-Type": request.contentType ?? "application/json",
                  "Content-Length": Buffer.byteLength(body),
                }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("error", reject);
          res.on("end", () => {
            options.onResponse?.({ date: res.headers.date, sentAt, receivedAt: clock.now() });
            const text = Buffer.concat(chunks).toString("utf8");
            let parsed: unknown;
            try {
              parsed = text === "" ? undefined : JSON.parse(text);
            } catch {
              parsed = { message: text };
            }
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) return resolve(parsed);
            const failure = (parsed ?? {}) as { reason?: string; message?: string; details?: KubeStatusDetails };
            reject(
              new KubeApiError(request, status, failure.reason ?? "Unknown", failure.message ?? text, failure.details),
            );
          });
        },
      );
      const deadline = setTimeout(() => {
        const error = Object.assign(
          new Error(`${request.method} ${request.path.split("?")[0]}: no answer within ${requestTimeoutMs} ms`),
          { code: "ETIMEDOUT" },
        );
        req.destroy(error);
      }, requestTimeoutMs);
      req.on("close", () => clearTimeout(deadline));
      req.on("error", reject);
      const sentAt = clock.now();
      req.end(body);
    });
  };
}
