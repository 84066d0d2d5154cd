// The HTTP entry: bearer-token check, then discovery, OpenAPI, health or a resource endpoint.
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError, routeNotFound, unauthorized } from "../registry/index.ts";
import type { ResourceCatalogue } from "../registry/index.ts";
import { parseApiRoute } from "./api-route.ts";
import { coreVersions, groupDocument, groupList, resourceList, versionInfo } from "./discovery.ts";
import { sendError, sendJson } from "./http-io.ts";
import { openApiV3Document, openApiV3Index } from "./openapi.ts";
import { servePodLog } from "./pod-log-endpoint.ts";
import type { PodLogSource } from "./pod-log-endpoint.ts";
import { serveResource } from "./resource-endpoint.ts";
import type { ResourceEndpointOptions } from "./resource-endpoint.ts";

export interface RequestHandlerOptions extends ResourceEndpointOptions {
  token: string;
  catalogue: ResourceCatalogue;
  /** `host:port` clients reach the server at (for /api's serverAddressByClientCIDRs). */
  serverAddress: () => string;
  log: (message: string) => void;
  /** Where `pods/{name}/log` reads from (the node agent); absent when no node runs Pods. */
  podLogs?: PodLogSource;
}

function authorized(request: IncomingMessage, token: string): boolean {
  const header = request.headers.authorization ?? "";
  const match = /^Bearer\s+(.+)$/i.exec(header);
  if (!match) return false;
  const given = Buffer.from(match[1]!.trim());
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The openapi document path `api/v1` or `apis/{g}/{v}` as group and version. */
function openApiGroupVersion(path: string): { group: string; version: string } | undefined {
  const segments = path.split("/");
  if (segments.length === 2 && segments[0] === "api") return { group: "", version: segments[1]! };
  if (segments.length === 3 && segments[0] === "apis") return { group: segments[1]!, version: segments[2]! };
  return undefined;
}

export function createRequestHandler(options: RequestHandlerOptions): (request: IncomingMessage, response: ServerResponse) => void {
  const { catalogue } = options;
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (!authorized(request, options.token)) throw unauthorized();
    const url = new URL(request.url ?? "/", "https://devcluster");
    const route = parseApiRoute(url.pathname);
    const method = request.method ?? "GET";
    if (route.type !== "resource" && method !== "GET" && method !== "HEAD") throw new ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
    switch (route.type) {
      case "version":
        return sendJson(response, 200, versionInfo());
      case "health":
        response.writeHead(200, { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff" });
        response.end("ok");
        return;
      case "coreVersions":
        return sendJson(response, 200, coreVersions(options.serverAddress()));
      case "groups":
        return sendJson(response, 200, groupList(catalogue));
      case "group": {
        const document = groupDocument(catalogue, route.group);
        if (!document) throw routeNotFound();
        return sendJson(response, 200, document);
      }
      case "resources": {
        const document = resourceList(catalogue, route.group, route.version);
        if (!document) throw routeNotFound();
        return sendJson(response, 200, document);
      }
      case "openapiIndex":
        return sendJson(response, 200, openApiV3Index(catalogue.groupVersions(), (groupVersion) => catalogue.resourcesOfGroupVersion(groupVersion)));
      case "openapiDocument": {
        const groupVersion = openApiGroupVersion(route.groupVersion);
        const resources = groupVersion ? catalogue.resourcesOf(groupVersion.group, groupVersion.version) : [];
        if (!groupVersion || resources.length === 0) throw routeNotFound();
        return sendJson(response, 200, openApiV3Document({ groupVersion: groupVersion.group ? `${groupVersion.group}/${groupVersion.version}` : groupVersion.version, resources }));
      }
      case "openapiV2":
      case "unknown":
        throw routeNotFound();
      case "resource": {
        const info = catalogue.find(route.group, route.version, route.plural);
        if (!info) throw routeNotFound();
        if (info.builtin && info.kind === "Pod" && route.subresource === "log" && route.name && route.namespace) {
          if (method !== "GET") throw new ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
          return servePodLog(options.objects, options.podLogs, { info, namespace: route.namespace, name: route.name, query: url.searchParams, request, response });
        }
        return serveResource(options, { route, info, request, response, query: url.searchParams });
      }
    }
  };
  return (request, response) => {
    handle(request, response).catch((error: unknown) => {
      request.resume();
      sendError(response, error, options.log);
    });
  };
}
