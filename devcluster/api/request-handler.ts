// The HTTP entry: bearer-token check, then discovery, OpenAPI, health or a resource endpoint.
import type { IncomingMessage, ServerResponse } from "node:http";
import { authenticate, forbiddenMessage } from "../auth/index.ts";
import type { Authenticator, RbacAuthorizer, RequestAttributes } from "../auth/index.ts";
import { ApiError, routeNotFound, unauthorized } from "../registry/index.ts";
import type { ResourceCatalogue, ResourceInfo } from "../registry/index.ts";
import { serveAccessReview } from "./access-review-endpoint.ts";
import { decodeAccessReviewProtobuf } from "./access-review-protobuf.ts";
import type { ApiRoute } from "./api-route.ts";
import { parseApiRoute } from "./api-route.ts";
import { coreVersions, groupDocument, groupList, resourceList, versionInfo } from "./discovery.ts";
import { mediaTypeOf, parseBody, readBody, sendError, sendJson } from "./http-io.ts";
import { openApiV3Document, openApiV3Index } from "./openapi.ts";
import { servePodLog } from "./pod-log-endpoint.ts";
import type { PodLogSource } from "./pod-log-endpoint.ts";
import { serveResource } from "./resource-endpoint.ts";
import type { ResourceEndpointOptions } from "./resource-endpoint.ts";

export interface RequestHandlerOptions extends ResourceEndpointOptions {
  authenticator: Authenticator;
  authorizer: RbacAuthorizer;
  catalogue: ResourceCatalogue;
  /** `host:port` clients reach the server at (for /api's serverAddressByClientCIDRs). */
  serverAddress: () => string;
  log: (message: string) => void;
  /** Where `pods/{name}/log` reads from (the node agent); absent when no node runs Pods. */
  podLogs?: PodLogSource;
}

/** kube's request attributes: the verb from the method (list/watch/deletecollection on collections). */
function attributesOf(
  route: ApiRoute,
  info: ResourceInfo | undefined,
  method: string,
  path: string,
  query: URLSearchParams,
): RequestAttributes {
  if (route.type !== "resource" || !info)
    return { kind: "nonResource", verb: method === "HEAD" ? "get" : method.toLowerCase(), path };
  const collection = route.name === undefined;
  const verbs: Record<string, string> = collection
    ? {
        GET: query.get("watch") === "true" || query.get("watch") === "1" ? "watch" : "list",
        POST: "create",
        DELETE: "deletecollection",
      }
    : {
        GET: query.get("watch") === "true" ? "watch" : "get",
        HEAD: "get",
        PUT: "update",
        PATCH: "patch",
        DELETE: "delete",
        POST: "create",
      };
  const namespace = info.namespaced ? route.namespace : undefined;
  return {
    kind: "resource",
    verb: verbs[method] ?? method.toLowerCase(),
    apiGroup: info.group,
    resource: info.plural,
    ...(route.subresource ? { subresource: route.subresource } : {}),
    ...(namespace ? { namespace } : {}),
    ...(route.name !== undefined ? { name: route.name } : {}),
  };
}

/** The openapi document path `api/v1` or `apis/{g}/{v}` as group and version. */
function openApiGroupVersion(path: string): { group: string; version: string } | undefined {
  const segments = path.split("/");
  if (segments.length === 2 && segments[0] === "api") return { group: "", version: segments[1]! };
  if (segments.length === 3 && segments[0] === "apis") return { group: segments[1]!, version: segments[2]! };
  return undefined;
}

export function createRequestHandler(
  options: RequestHandlerOptions,
): (request: IncomingMessage, response: ServerResponse) => void {
  const { catalogue } = options;
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const authentication = authenticate(request, options.authenticator);
    if (authentication.type === "unauthenticated") throw unauthorized();
    if (authentication.type === "impersonationForbidden") {
      throw new ApiError(
        403,
        "Forbidden",
        `users "${authentication.target}" is forbidden: User "${authentication.user.name}" cannot impersonate ` +
          `resource "users" in API group "" at the cluster scope`,
        { name: authentication.target, kind: "users" },
      );
    }
    const { user } = authentication;
    const url = new URL(request.url ?? "/", "https://devcluster");
    const route = parseApiRoute(url.pathname);
    const method = request.method ?? "GET";
    const info = route.type === "resource" ? catalogue.find(route.group, route.version, route.plural) : undefined;
    const attributes = attributesOf(route, info, method, url.pathname, url.searchParams);
    if (!options.authorizer.authorize(user, attributes)) {
      const details =
        attributes.kind === "resource"
          ? {
              ...(attributes.name ? { name: attributes.name } : {}),
              group: attributes.apiGroup,
              kind: attributes.resource,
            }
          : undefined;
      throw new ApiError(403, "Forbidden", forbiddenMessage(user, attributes), details);
    }
    if (route.type !== "resource" && method !== "GET" && method !== "HEAD")
      throw new ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
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
        return sendJson(
          response,
          200,
          openApiV3Index(catalogue.groupVersions(), (groupVersion) => catalogue.resourcesOfGroupVersion(groupVersion)),
        );
      case "openapiDocument": {
        const groupVersion = openApiGroupVersion(route.groupVersion);
        const resources = groupVersion ? catalogue.resourcesOf(groupVersion.group, groupVersion.version) : [];
        if (!groupVersion || resources.length === 0) throw routeNotFound();
        return sendJson(
          response,
          200,
          openApiV3Document({
            groupVersion: groupVersion.group ? `${groupVersion.group}/${groupVersion.version}` : groupVersion.version,
            resources,
          }),
        );
      }
      case "openapiV2":
        // An empty OpenAPI v2 document (protobuf's empty message): kubectl, falling back to v2 for a
        // group-version with no v3 document, then reports the unknown kind itself.
        response.writeHead(200, { "Content-Type": "application/com.github.proto-openapi.spec.v2.v1.0+protobuf" });
        response.end();
        return;
      case "unknown":
        throw routeNotFound();
      case "resource": {
        if (!info) throw routeNotFound();
        if (info.builtin && info.group === "authorization.k8s.io" && method === "POST" && route.name === undefined) {
          const raw = await readBody(request);
          const body =
            mediaTypeOf(request) === "application/vnd.kubernetes.protobuf"
              ? decodeAccessReviewProtobuf(raw)
              : parseBody(raw, "application/json", (reason) => `the object provided is unrecognized: ${reason}`);
          return serveAccessReview(
            info.kind as "SelfSubjectAccessReview" | "SubjectAccessReview",
            body,
            user,
            options.authorizer,
            response,
          );
        }
        if (info.builtin && info.kind === "Pod" && route.subresource === "log" && route.name && route.namespace) {
          if (method !== "GET")
            throw new ApiError(
              405,
              "MethodNotAllowed",
              "the server does not allow this method on the requested resource",
            );
          return servePodLog(options.objects, options.podLogs, {
            info,
            namespace: route.namespace,
            name: route.name,
            query: url.searchParams,
            request,
            response,
          });
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
