// The UI's HTTP surface: the app, its event stream and its actions, behind the per-run token (URL, then cookie)
// and, for writes, a same-origin check. Kubernetes answers (403 Forbidden included) are passed on with their message.
import type { IncomingMessage, ServerResponse } from "node:http";
import { apiStatus, isKontinueError } from "../../runtime/index.ts";
import type { AppAssets } from "./app-assets.ts";
import type { ClusterState } from "./cluster-state.ts";
import { executionDetail, fullValue } from "./execution-detail.ts";
import type { StreamMessage } from "./resource-stream.ts";
import type { KontinueClient } from "../../client/index.ts";
import { UiError } from "./ui-error.ts";

export interface UiRequestHandlerOptions {
  token: string;
  /** Where a user without the token finds it (the 401 page and message say it). */
  tokenHint: string;
  /** The origins a write may come from, e.g. `http://127.0.0.1:7420`. */
  origins(): readonly string[];
  state: ClusterState;
  client: KontinueClient;
  assets: AppAssets;
  namespace: string;
  heartbeatMs: number;
}

const cookieName = "kontinue-ui-token";
const maxBodyBytes = 2 * 1024 * 1024;
type Handler = (request: IncomingMessage, response: ServerResponse, match: RegExpMatchArray) => Promise<unknown>;

export function createUiRequestHandler(options: UiRequestHandlerOptions) {
  const { state, client } = options;
  const executionOf = (ns: string, name: string) => {
    const found = state.executions.get(ns, name);
    if (found === undefined)
      throw new UiError("UI_NOT_FOUND", `execution "${name}" is not in namespace "${ns}" (or was deleted)`);
    return found;
  };
  const routes: Array<[method: string, pattern: RegExp, handler: Handler]> = [
    ["GET", /^\/api\/stream$/, (request, response) => stream(request, response, options)],
    ["GET", /^\/api\/session$/, async () => ({ namespace: options.namespace })],
    [
      "GET",
      /^\/api\/executions\/([^/]+)\/([^/]+)$/,
      async (_, __, [, ns, name]) => {
        const execution = executionOf(ns!, name!);
        const { suspensionOf, childrenOf, waitInputs } = state;
        return executionDetail(execution, suspensionOf(ns!, name!), childrenOf(ns!, name!), waitInputs(execution));
      },
    ],
    [
      "GET",
      /^\/api\/functions\/([^/]+)\/([^/]+)\/history$/,
      async (_, __, [, ns, name]) => {
        const points = state.historyOf(ns!, name!);
        if (points === undefined)
          throw new UiError("UI_NOT_FOUND", `function "${name}" is not in namespace "${ns}" (or was deleted)`);
        return { points };
      },
    ],
    [
      "GET",
      /^\/api\/executions\/([^/]+)\/([^/]+)\/values\/([^/]+)$/,
      async (_, __, [, ns, name, which]) => ({ value: fullValue(executionOf(ns!, name!), which!) ?? null }),
    ],
    [
      "POST",
      /^\/api\/executions$/,
      async (request) => {
        const body = await readJson(request);
        const fn = requiredString(body, "function");
        return client.createExecution(fn, body.arguments ?? null, {
          namespace: options.namespace,
          ...(typeof body.idempotencyKey === "string" && body.idempotencyKey !== ""
            ? { idempotencyKey: body.idempotencyKey }
            : {}),
        });
      },
    ],
    [
      "POST",
      /^\/api\/executions\/([^/]+)\/([^/]+)\/(cancel|retry|signal)$/,
      async (request, _, [, ns, name, action]) => act(action!, ns!, name!, await readJson(request)),
    ],
    [
      "POST",
      /^\/api\/bulk$/,
      async (request) => {
        const body = await readJson(request);
        const action = requiredString(body, "action");
        if (action !== "cancel" && action !== "retry")
          throw new UiError("UI_BAD_REQUEST", `bulk action "${action}" is unknown; use "cancel" or "retry"`);
        const names = Array.isArray(body.names) ? body.names.filter((n): n is string => typeof n === "string") : [];
        const results = await Promise.allSettled(names.map((name) => act(action, options.namespace, name, {})));
        return {
          done: results.filter((r) => r.status === "fulfilled").length,
          failed: results.flatMap((r, i) =>
            r.status === "rejected" ? [{ name: names[i], message: (r.reason as Error).message }] : [],
          ),
        };
      },
    ],
    [
      "POST",
      /^\/api\/schedules\/([^/]+)\/([^/]+)\/(suspend|resume|run)$/,
      async (_, __, [, ns, name, action]) => {
        const schedule = state.schedules.get(ns!, name!);
        if (schedule === undefined)
          throw new UiError("UI_NOT_FOUND", `schedule "${name}" is not in namespace "${ns}" (or was deleted)`);
        if (action === "run")
          // Unlabelled: the controller counts only the runs it started against the schedule's policy and history.
          return client.createExecution(schedule.spec.function, schedule.spec.arguments ?? null, { namespace: ns! });
        return state.scheduleClient.mergePatch(ns!, name!, { spec: { suspend: action === "suspend" } });
      },
    ],
  ];

  const act = async (action: string, ns: string, name: string, body: Record<string, unknown>): Promise<unknown> => {
    switch (action) {
      case "cancel":
        return client.cancel(name, { namespace: ns });
      case "retry":
        return client.retry(name, { namespace: ns, ...("arguments" in body ? { args: body.arguments } : {}) });
      case "signal":
        return client.signal(name, requiredString(body, "name"), body.payload ?? null, { namespace: ns });
      default:
        throw new UiError("UI_BAD_REQUEST", `action "${action}" is unknown`);
    }
  };

  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    try {
      const url = new URL(request.url ?? "/", "http://127.0.0.1");
      const queryToken = url.searchParams.get("token");
      if (!authorized(request, queryToken, options.token)) {
        const why = queryToken === null ? "this page needs the UI's token" : "the token in this URL is not the UI's";
        if (!url.pathname.startsWith("/api/")) return sendTokenPage(response, why, options.tokenHint);
        throw new UiError("UI_BAD_TOKEN", `${why}; ${options.tokenHint}`);
      }
      if (queryToken !== null)
        response.setHeader("set-cookie", `${cookieName}=${options.token}; HttpOnly; SameSite=Strict; Path=/`);
      if (request.method !== "GET" && request.method !== "HEAD") checkOrigin(request, options.origins());
      if (!url.pathname.startsWith("/api/")) return options.assets.serve(url.pathname, response);
      for (const [method, pattern, handler] of routes) {
        const match = url.pathname.match(pattern);
        if (match === null || method !== request.method) continue;
        const decoded = match.map((part) => decodeURIComponent(part)) as RegExpMatchArray;
        const result = await handler(request, response, decoded);
        if (result !== undefined) sendJson(response, 200, result);
        return;
      }
      throw new UiError("UI_NOT_FOUND", `no API route ${request.method} ${url.pathname}`);
    } catch (error) {
      if (response.headersSent) return void response.end();
      sendJson(response, statusOf(error), {
        error: error instanceof Error ? error.message : String(error),
        code: isKontinueError(error) ? error.code : undefined,
      });
    }
  };
}

function stream(request: IncomingMessage, response: ServerResponse, options: UiRequestHandlerOptions): Promise<void> {
  const url = new URL(request.url ?? "/", "http://127.0.0.1");
  const header = request.headers["last-event-id"];
  const lastEventId = (Array.isArray(header) ? header[0] : header) || url.searchParams.get("lastEventId") || undefined;
  response.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache, no-transform",
    connection: "keep-alive",
    "x-accel-buffering": "no",
  });
  response.write("retry: 1000\n\n");
  const send = (message: StreamMessage) =>
    response.write(`id: ${message.id}\nevent: ${message.type}\ndata: ${JSON.stringify(message.changes)}\n\n`);
  const unsubscribe = options.state.stream.subscribe(lastEventId, send);
  const heartbeat = setInterval(() => response.write(`event: heartbeat\ndata: ${Date.now()}\n\n`), options.heartbeatMs);
  return new Promise((resolve) => {
    const end = () => {
      clearInterval(heartbeat);
      unsubscribe();
      resolve();
    };
    request.on("close", end);
    response.on("error", end);
  });
}

function authorized(request: IncomingMessage, queryToken: string | null, token: string): boolean {
  if (queryToken !== null) return queryToken === token;
  const cookies = request.headers.cookie?.split(";").map((part) => part.trim()) ?? [];
  return cookies.includes(`${cookieName}=${token}`) || request.headers["x-kontinue-token"] === token;
}

function checkOrigin(request: IncomingMessage, origins: readonly string[]): void {
  const origin = request.headers.origin;
  if (origin === undefined || !origins.includes(origin))
    throw new UiError(
      "UI_FORBIDDEN_ORIGIN",
      `refusing a ${request.method} from origin "${origin ?? "(none)"}": writes are accepted only from the UI's own ` +
        `page (${origins.join(", ")})`,
    );
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBodyBytes) throw new UiError("UI_BAD_REQUEST", `the request body is over ${maxBodyBytes} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch (cause) {
    throw new UiError("UI_BAD_REQUEST", `the request body is not JSON: ${(cause as Error).message}`, { cause });
  }
  throw new UiError("UI_BAD_REQUEST", "the request body must be a JSON object");
}

function requiredString(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== "string" || value === "")
    throw new UiError("UI_BAD_REQUEST", `"${field}" is missing from the request; send it as a non-empty string`);
  return value;
}

function statusOf(error: unknown): number {
  if (error instanceof UiError) return error.status;
  const api = apiStatus(error);
  if (api !== undefined) return api;
  // The client library's own errors (client/client-errors.ts).
  if (isKontinueError(error, "CLIENT_NOT_FOUND")) return 404;
  if (isKontinueError(error, "CLIENT_FORBIDDEN")) return 403;
  if (isKontinueError(error, "CLIENT_UNREACHABLE")) return 502;
  if (isKontinueError(error) && error.terminal) return 409;
  return 500;
}

/** The 401 for a page: a banner saying where the token is (no app, no scripts). */
function sendTokenPage(response: ServerResponse, why: string, hint: string): void {
  const html = (text: string) =>
    text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
  response.writeHead(401, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'",
  });
  response.end(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Kontinue UI: token needed</title>` +
      `<style>body{font:16px system-ui,sans-serif;margin:2rem}.banner{border:1px solid #bf8700;` +
      `background:#fff8c5;padding:1rem;max-width:48rem}</style></head><body><main>` +
      `<h1>Kontinue UI</h1><p class="banner" role="alert" data-testid="token-banner">${html(why)}: ` +
      `${html(hint)}.</p></main></body></html>`,
  );
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  response.end(text);
}
