// `GET /api/v1/namespaces/{ns}/pods/{name}/log`: a container's output as text/plain, streamed while
// `follow=true` until the container's run ends (what `kubectl logs [-f]` reads from the kubelet).
import type { IncomingMessage, ServerResponse } from "node:http";
import { badRequest } from "../registry/index.ts";
import type { ObjectService, ResourceInfo } from "../registry/index.ts";

export interface LogReadOptions {
  tailLines?: number;
  sinceSeconds?: number;
  timestamps: boolean;
}

/** One container run's log, as the node agent keeps it. */
export interface ContainerLogView {
  read(options: LogReadOptions): string[];
  follow(timestamps: boolean, line: (text: string) => void, end: () => void): () => void;
}

export interface PodLogRequest {
  namespace: string;
  name: string;
  container?: string;
  previous: boolean;
}

/** Finds a Pod container's log; throws an ApiError (400) when there is none to show. */
export type PodLogSource = (request: PodLogRequest) => ContainerLogView;

export interface PodLogCall {
  info: ResourceInfo;
  namespace: string;
  name: string;
  query: URLSearchParams;
  request: IncomingMessage;
  response: ServerResponse;
}

function integerParameter(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null || value === "") return undefined;
  if (!/^-?\d+$/.test(value))
    throw badRequest(`PodLogOptions "" is invalid: ${name}: Invalid value: "${value}": must be an integer`);
  return Number(value);
}

export function servePodLog(objects: ObjectService, source: PodLogSource | undefined, call: PodLogCall): void {
  const { query, response } = call;
  const pod = objects.get(call.info, call.namespace, call.name);
  if (!source || !(pod.spec as { nodeName?: string } | undefined)?.nodeName) {
    throw badRequest(`pod ${call.name} does not have a host assigned`);
  }
  const container = query.get("container") ?? undefined;
  const log = source({
    namespace: call.namespace,
    name: call.name,
    previous: query.get("previous") === "true",
    ...(container ? { container } : {}),
  });
  const tailLines = integerParameter(query, "tailLines");
  const sinceSeconds = integerParameter(query, "sinceSeconds");
  const timestamps = query.get("timestamps") === "true";
  const lines = log.read({
    timestamps,
    ...(tailLines !== undefined ? { tailLines } : {}),
    ...(sinceSeconds !== undefined ? { sinceSeconds } : {}),
  });
  response.writeHead(200, {
    "Content-Type": "text/plain",
    "Cache-Control": "no-cache, private",
    "Transfer-Encoding": "chunked",
  });
  for (const line of lines) response.write(`${line}\n`);
  if (query.get("follow") !== "true") {
    response.end();
    return;
  }
  response.flushHeaders();
  const stop = log.follow(
    timestamps,
    (line) => response.write(`${line}\n`),
    () => response.end(),
  );
  call.request.once("close", stop);
  response.once("close", stop);
}
