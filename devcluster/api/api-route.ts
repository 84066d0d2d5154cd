// Parses a request path into what it addresses: discovery, OpenAPI, health, or a resource endpoint.

export type ApiRoute =
  | { type: "version" }
  | { type: "health"; check: string }
  | { type: "coreVersions" }
  | { type: "groups" }
  | { type: "group"; group: string }
  | { type: "resources"; group: string; version: string }
  | { type: "openapiIndex" }
  | { type: "openapiDocument"; groupVersion: string }
  | { type: "openapiV2" }
  | ResourceRoute
  | { type: "unknown" };

export interface ResourceRoute {
  type: "resource";
  group: string;
  version: string;
  plural: string;
  /** Set for a namespaced path (`…/namespaces/{ns}/{plural}`). */
  namespace?: string;
  name?: string;
  subresource?: string;
}

const healthChecks = new Set(["healthz", "readyz", "livez"]);

/** `path` without the query string. */
export function parseApiRoute(path: string): ApiRoute {
  const segments = path
    .split("/")
    .filter((segment) => segment !== "")
    .map((segment) => decodeURIComponent(segment));
  const [first, ...rest] = segments;
  if (first === undefined) return { type: "unknown" };
  if (first === "version" && rest.length === 0) return { type: "version" };
  if (healthChecks.has(first)) return { type: "health", check: first };
  if (first === "openapi") {
    if (rest[0] === "v2" && rest.length === 1) return { type: "openapiV2" };
    if (rest[0] !== "v3") return { type: "unknown" };
    if (rest.length === 1) return { type: "openapiIndex" };
    return { type: "openapiDocument", groupVersion: rest.slice(1).join("/") };
  }
  if (first === "api") {
    if (rest.length === 0) return { type: "coreVersions" };
    if (rest[0] !== "v1") return { type: "unknown" };
    if (rest.length === 1) return { type: "resources", group: "", version: "v1" };
    return resourceRoute("", "v1", rest.slice(1));
  }
  if (first === "apis") {
    if (rest.length === 0) return { type: "groups" };
    if (rest.length === 1) return { type: "group", group: rest[0]! };
    if (rest.length === 2) return { type: "resources", group: rest[0]!, version: rest[1]! };
    return resourceRoute(rest[0]!, rest[1]!, rest.slice(2));
  }
  return { type: "unknown" };
}

function resourceRoute(group: string, version: string, segments: string[]): ApiRoute {
  const base = { type: "resource" as const, group, version };
  // `namespaces/{ns}/{plural}…` addresses a namespaced resource; `namespaces[/{name}[/status|finalize]]` the Namespace
  // itself.
  if (
    segments[0] === "namespaces" &&
    segments.length >= 3 &&
    !(group === "" && segments.length === 3 && (segments[2] === "status" || segments[2] === "finalize"))
  ) {
    const [, namespace, plural, name, subresource, ...extra] = segments;
    if (extra.length > 0) return { type: "unknown" };
    return {
      ...base,
      namespace,
      plural: plural!,
      ...(name !== undefined ? { name } : {}),
      ...(subresource !== undefined ? { subresource } : {}),
    };
  }
  const [plural, name, subresource, ...extra] = segments;
  if (extra.length > 0) return { type: "unknown" };
  return {
    ...base,
    plural: plural!,
    ...(name !== undefined ? { name } : {}),
    ...(subresource !== undefined ? { subresource } : {}),
  };
}
