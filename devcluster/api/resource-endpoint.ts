// The verbs of one resource endpoint: collection (list, watch, create, deletecollection),
// item (get, update, patch, delete) and the /status and /scale subresources.
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  applyScale,
  badRequest,
  groupVersionOf,
  listObjects,
  methodNotAllowed,
  parseFieldSelector,
  parseLabelSelector,
  patchObject,
  patchTypeOf,
  routeNotFound,
  toScale,
  unsupportedMediaType,
} from "../registry/index.ts";
import type {
  DeleteOptions,
  FieldValidation,
  KubeObject,
  ObjectService,
  PatchRequest,
  ResourceInfo,
  Selectors,
  WriteContext,
  WriteResult,
} from "../registry/index.ts";
import type { ChangeFeed, Store } from "../storage/index.ts";
import type { ResourceRoute } from "./api-route.ts";
import {
  mediaTypeOf,
  parseBody,
  readBody,
  refuseProtobuf,
  sendJson,
  sendRaw,
  successStatus,
  warningHeaders,
} from "./http-io.ts";
import { printerColumnsFor, toTable } from "./table.ts";
import { serveWatch } from "./watch-stream.ts";

export interface ResourceEndpointOptions {
  objects: ObjectService;
  store: Store;
  feed: ChangeFeed;
  clock: () => Date;
  bookmarkIntervalMillis: number;
}

export interface Call {
  route: ResourceRoute;
  info: ResourceInfo;
  request: IncomingMessage;
  response: ServerResponse;
  query: URLSearchParams;
}

type IncludeObject = "None" | "Metadata" | "Object";

function wantsTable(request: IncomingMessage): boolean {
  return /as=Table/.test(request.headers.accept ?? "");
}

function includeObjectOf(query: URLSearchParams): IncludeObject {
  const value = query.get("includeObject") ?? "Metadata";
  if (value !== "None" && value !== "Metadata" && value !== "Object")
    throw badRequest(`invalid includeObject: "${value}": supported values: "None", "Metadata", "Object"`);
  return value;
}

function selectorsOf(info: ResourceInfo, query: URLSearchParams): Selectors {
  const labels = query.get("labelSelector");
  const fields = query.get("fieldSelector");
  return {
    ...(labels ? { labelSelector: parseLabelSelector(labels) } : {}),
    ...(fields ? { fieldSelector: parseFieldSelector(fields, info.fieldSelectors) } : {}),
  };
}

function userAgentManager(request: IncomingMessage): string {
  return (request.headers["user-agent"] ?? "unknown").split("/")[0]!.slice(0, 128) || "unknown";
}

function writeContextOf(request: IncomingMessage, query: URLSearchParams): WriteContext {
  const dryRun = query.getAll("dryRun");
  if (dryRun.some((value) => value !== "All"))
    throw badRequest(`Invalid dry run value: ${JSON.stringify(dryRun)}: supported values: "All"`);
  const fieldValidation = query.get("fieldValidation") ?? "Warn";
  if (fieldValidation !== "Strict" && fieldValidation !== "Warn" && fieldValidation !== "Ignore") {
    throw badRequest(`fieldValidation must be one of "Ignore", "Warn", or "Strict", got "${fieldValidation}"`);
  }
  const fieldManager = query.get("fieldManager");
  return {
    dryRun: dryRun.length > 0,
    defaultManager: userAgentManager(request),
    fieldValidation: fieldValidation as FieldValidation,
    ...(fieldManager ? { fieldManager } : {}),
  };
}

function integerParameter(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null || value === "") return undefined;
  if (!/^-?\d+$/.test(value)) throw badRequest(`invalid ${name}: "${value}" is not an integer`);
  return Number(value);
}

/** Serves one request to a resource route whose ResourceInfo is known. */
export async function serveResource(options: ResourceEndpointOptions, call: Call): Promise<void> {
  const { route, info, request } = call;
  if (route.namespace !== undefined && !info.namespaced) throw routeNotFound();
  if (route.name === undefined && route.subresource !== undefined) throw routeNotFound();
  if (info.namespaced && route.namespace === undefined && (route.name !== undefined || request.method === "POST"))
    throw routeNotFound();
  const method = request.method ?? "GET";
  if (route.subresource === "scale") {
    if (!info.subresources.scale) throw routeNotFound();
    return serveScale(options, call, method);
  }
  if (route.subresource !== undefined && (route.subresource !== "status" || !info.subresources.status))
    throw routeNotFound();
  if (route.name === undefined) {
    switch (method) {
      case "GET":
        return call.query.get("watch") === "true" || call.query.get("watch") === "1"
          ? watch(options, call)
          : list(options, call);
      case "POST":
        return create(options, call);
      case "DELETE":
        return deleteCollection(options, call);
    }
    throw methodNotAllowed(method, { group: info.group, plural: info.plural });
  }
  const subresource = route.subresource as "status" | undefined;
  switch (method) {
    case "GET":
      return get(options, call, route.name);
    case "PUT":
      return update(options, call, route.name, subresource);
    case "PATCH":
      return patch(options, call, route.name, subresource);
    case "DELETE":
      if (subresource === undefined) return remove(options, call, route.name);
  }
  throw methodNotAllowed(method, { group: info.group, plural: info.plural });
}

function sendObject(
  options: ResourceEndpointOptions,
  call: Call,
  code: number,
  object: KubeObject,
  headers: Record<string, string[]> = {},
): void {
  if (!wantsTable(call.request)) return sendJson(call.response, code, object, headers);
  const table = toTable({
    columns: printerColumnsFor(call.info),
    objects: [object],
    includeObject: includeObjectOf(call.query),
    now: options.clock(),
    resourceVersion: object.metadata.resourceVersion ?? "",
    withColumnDefinitions: true,
  });
  sendJson(call.response, code, table, headers);
}

function sendWrite(options: ResourceEndpointOptions, call: Call, result: WriteResult): void {
  if (result.json !== undefined && !wantsTable(call.request))
    return sendRaw(call.response, result.code, result.json, warningHeaders(result.warnings));
  sendObject(options, call, result.code, result.object, warningHeaders(result.warnings));
}

function get(options: ResourceEndpointOptions, call: Call, name: string): void {
  sendObject(options, call, 200, options.objects.get(call.info, call.route.namespace, name));
}

function list(options: ResourceEndpointOptions, call: Call): void {
  const { info, query } = call;
  const limit = integerParameter(query, "limit");
  const continueToken = query.get("continue");
  const page = listObjects(options.store, info, {
    ...selectorsOf(info, query),
    ...(call.route.namespace !== undefined ? { namespace: call.route.namespace } : {}),
    ...(limit !== undefined ? { limit } : {}),
    ...(continueToken ? { continueToken } : {}),
  });
  const metadata = {
    resourceVersion: page.resourceVersion,
    ...(page.continue ? { continue: page.continue } : {}),
    ...(page.remainingItemCount !== undefined ? { remainingItemCount: page.remainingItemCount } : {}),
  };
  if (wantsTable(call.request)) {
    const table = toTable({
      columns: printerColumnsFor(info),
      objects: page.items.map((item) => ({ ...item, apiVersion: groupVersionOf(info), kind: info.kind })),
      includeObject: includeObjectOf(query),
      now: options.clock(),
      resourceVersion: page.resourceVersion,
      ...(page.continue ? { continueToken: page.continue } : {}),
      withColumnDefinitions: true,
    });
    return sendJson(call.response, 200, { ...table, metadata: { ...table.metadata, ...metadata } });
  }
  sendJson(call.response, 200, { apiVersion: groupVersionOf(info), kind: info.listKind, metadata, items: page.items });
}

function watch(options: ResourceEndpointOptions, call: Call): void {
  const { info, query } = call;
  const table = wantsTable(call.request);
  const includeObject = table ? includeObjectOf(query) : "Metadata";
  const timeoutSeconds = integerParameter(query, "timeoutSeconds");
  const resourceVersion = query.get("resourceVersion");
  let first = true;
  serveWatch({
    store: options.store,
    feed: options.feed,
    info,
    response: call.response,
    bookmarkIntervalMillis: options.bookmarkIntervalMillis,
    plain: !table,
    query: {
      ...selectorsOf(info, query),
      ...(call.route.namespace !== undefined ? { namespace: call.route.namespace } : {}),
      ...(resourceVersion !== null ? { resourceVersion } : {}),
      ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
      allowWatchBookmarks: query.get("allowWatchBookmarks") === "true",
    },
    encode: (stored) => {
      const object = { ...stored, apiVersion: groupVersionOf(info), kind: info.kind };
      if (!table) return object;
      const encoded = toTable({
        columns: printerColumnsFor(info),
        objects: [object],
        includeObject,
        now: options.clock(),
        resourceVersion: object.metadata.resourceVersion ?? "",
        withColumnDefinitions: first,
      });
      first = false;
      return encoded;
    },
  });
}

async function readObjectBody(call: Call): Promise<unknown> {
  refuseProtobuf(call.request);
  const media = mediaTypeOf(call.request);
  const body = await readBody(call.request);
  return parseBody(
    body,
    media,
    (reason) =>
      `the object provided is unrecognized (must be of type ${call.info.kind}): couldn't get version/kind; json ` +
      `parse error: ${reason}`,
  );
}

async function create(options: ResourceEndpointOptions, call: Call): Promise<void> {
  const context = writeContextOf(call.request, call.query);
  const body = await readObjectBody(call);
  sendWrite(options, call, options.objects.create(call.info, call.route.namespace, body, context));
}

async function update(
  options: ResourceEndpointOptions,
  call: Call,
  name: string,
  subresource: "status" | undefined,
): Promise<void> {
  const context = writeContextOf(call.request, call.query);
  const body = await readObjectBody(call);
  sendWrite(options, call, options.objects.update(call.info, call.route.namespace, name, body, context, subresource));
}

async function readPatch(call: Call, info: ResourceInfo): Promise<PatchRequest> {
  refuseProtobuf(call.request);
  const contentType = call.request.headers["content-type"] ?? "";
  const type = patchTypeOf(contentType, info);
  const media = mediaTypeOf(call.request);
  const body = parseBody(await readBody(call.request), media, (reason) => `error decoding patch: ${reason}`);
  const force = call.query.get("force");
  return { type, contentType, body, force: force === "true" };
}

async function patch(
  options: ResourceEndpointOptions,
  call: Call,
  name: string,
  subresource: "status" | undefined,
): Promise<void> {
  const context = writeContextOf(call.request, call.query);
  const request = await readPatch(call, call.info);
  sendWrite(options, call, options.objects.patch(call.info, call.route.namespace, name, request, context, subresource));
}

async function deleteOptionsOf(call: Call): Promise<{ options: DeleteOptions; dryRun: boolean }> {
  const body = await readBody(call.request);
  const text = body.toString("utf8").trim();
  const query = call.query;
  if (text !== "") {
    const parsed = parseBody(
      body,
      "application/json",
      (reason) => `the object provided is unrecognized (must be of type DeleteOptions): ${reason}`,
    ) as DeleteOptions & { dryRun?: string[] };
    return { options: parsed, dryRun: (parsed.dryRun ?? query.getAll("dryRun")).includes("All") };
  }
  const propagationPolicy = query.get("propagationPolicy");
  if (propagationPolicy !== null && !["Background", "Foreground", "Orphan"].includes(propagationPolicy)) {
    throw badRequest(
      `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${propagationPolicy}": ` +
        `supported values: "Foreground", "Background", "Orphan", "nil"`,
    );
  }
  const orphan = query.get("orphanDependents");
  const grace = query.get("gracePeriodSeconds");
  if (grace !== null && !/^-?\d+$/.test(grace)) {
    throw badRequest(
      `DeleteOptions.meta.k8s.io "" is invalid: gracePeriodSeconds: Invalid value: "${grace}": must be an integer`,
    );
  }
  return {
    options: {
      ...(grace !== null ? { gracePeriodSeconds: Number(grace) } : {}),
      ...(propagationPolicy ? { propagationPolicy: propagationPolicy as DeleteOptions["propagationPolicy"] } : {}),
      ...(orphan !== null ? { orphanDependents: orphan === "true" } : {}),
    },
    dryRun: query.getAll("dryRun").includes("All"),
  };
}

async function remove(options: ResourceEndpointOptions, call: Call, name: string): Promise<void> {
  const { options: deleteOptions, dryRun } = await deleteOptionsOf(call);
  const result = options.objects.delete(call.info, call.route.namespace, name, deleteOptions, dryRun);
  if (result.type === "terminating") return sendObject(options, call, 200, result.object);
  sendJson(
    call.response,
    200,
    successStatus({ name, group: call.info.group, kind: call.info.plural, uid: result.object.metadata.uid }),
  );
}

async function deleteCollection(options: ResourceEndpointOptions, call: Call): Promise<void> {
  const { options: deleteOptions, dryRun } = await deleteOptionsOf(call);
  const page = listObjects(options.store, call.info, {
    ...selectorsOf(call.info, call.query),
    ...(call.route.namespace !== undefined ? { namespace: call.route.namespace } : {}),
  });
  for (const item of page.items) {
    const name = item.metadata.name ?? "";
    if (options.objects.find(call.info, item.metadata.namespace, name))
      options.objects.delete(call.info, item.metadata.namespace, name, deleteOptions, dryRun);
  }
  sendJson(call.response, 200, successStatus({ group: call.info.group, kind: call.info.plural }));
}

async function serveScale(options: ResourceEndpointOptions, call: Call, method: string): Promise<void> {
  const { info, route } = call;
  const name = route.name!;
  const live = options.objects.get(info, route.namespace, name);
  if (method === "GET") return sendJson(call.response, 200, toScale(info, live));
  if (method !== "PUT" && method !== "PATCH")
    throw methodNotAllowed(method, { group: info.group, plural: info.plural });
  const context = writeContextOf(call.request, call.query);
  let scale: unknown;
  if (method === "PUT") {
    scale = await readObjectBody(call);
  } else {
    const request = await readPatch(call, info);
    if (request.type === "apply")
      throw unsupportedMediaType(
        request.contentType,
        "application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json",
      );
    scale = patchObject(info, toScale(info, live), request.type === "strategic" ? "merge" : request.type, request.body);
  }
  const requested = (scale as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion;
  const next = applyScale(info, live, scale);
  next.metadata = { ...next.metadata, resourceVersion: requested || live.metadata.resourceVersion };
  const result = options.objects.update(info, route.namespace, name, next, context);
  sendJson(call.response, 200, toScale(info, result.object));
}
