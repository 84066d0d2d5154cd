// A watch: newline-delimited events on a chunked response, resumed from the change log and then
// fed live from the write path; selector transitions become ADDED/DELETED, too-old versions a 410 ERROR.
import type { ServerResponse } from "node:http";
import {
  badRequest,
  gone,
  groupVersionOf,
  internalError,
  matchesSelectors,
  storageResource,
} from "../registry/index.ts";
import type { KubeObject, ResourceInfo, Selectors } from "../registry/index.ts";
import type { Change, ChangeFeed, Store } from "../storage/index.ts";

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";

export interface WatchQuery extends Selectors {
  namespace?: string;
  resourceVersion?: string;
  allowWatchBookmarks: boolean;
  timeoutSeconds?: number;
}

export interface WatchOptions {
  store: Store;
  feed: ChangeFeed;
  info: ResourceInfo;
  query: WatchQuery;
  response: ServerResponse;
  /** Turns an object into what the event carries (the object itself, or a one-row Table). */
  encode: (object: KubeObject, type: WatchEventType) => unknown;
  /** Events carry objects as stored (no Table): a change's stored JSON can be sent as is. */
  plain: boolean;
  bookmarkIntervalMillis: number;
}

/** Events wait for the end of the event loop's turn unless this many characters are already waiting. */
const maxPendingLength = 64 * 1024;

/** Parses a watch's resourceVersion: undefined for "start with the current state". */
function watchStartRevision(resourceVersion: string | undefined): number | undefined {
  if (resourceVersion === undefined || resourceVersion === "" || resourceVersion === "0") return undefined;
  if (!/^\d+$/.test(resourceVersion)) throw badRequest(`invalid resource version: "${resourceVersion}"`);
  return Number(resourceVersion);
}

/** Serves one watch until the client leaves, `timeoutSeconds` pass, or the server closes the response. */
export function serveWatch(options: WatchOptions): void {
  const { store, feed, info, query, response } = options;
  const start = watchStartRevision(query.resourceVersion);
  const resource = storageResource(info);
  response.writeHead(200, {
    "Content-Type": "application/json",
    "Cache-Control": "no-cache, private",
    "Transfer-Encoding": "chunked",
  });
  response.flushHeaders();
  response.socket?.setNoDelay(true);
  // Events written in one turn of the event loop (several writers' commits) leave in one chunk.
  let pending: string[] = [];
  let pendingLength = 0;
  const flush = () => {
    if (pending.length === 0) return;
    const text = pending.join("");
    pending = [];
    pendingLength = 0;
    if (!response.writableEnded && !response.destroyed) response.write(text);
  };
  const write = (line: string) => {
    if (response.writableEnded || response.destroyed) return;
    if (pending.length === 0) setImmediate(flush);
    pending.push(line);
    pendingLength += line.length;
    if (pendingLength >= maxPendingLength) flush();
  };
  const end = () => {
    flush();
    response.end();
  };
  const send = (type: WatchEventType, object: unknown) => write(`${JSON.stringify({ type, object })}\n`);
  const apiVersion = groupVersionOf(info);
  const emit = (type: Exclude<WatchEventType, "BOOKMARK" | "ERROR">, object: KubeObject, json?: string) => {
    if (json !== undefined && options.plain && object.apiVersion === apiVersion && object.kind === info.kind)
      write(`{"type":"${type}","object":${json}}\n`);
    else send(type, options.encode(object, type));
  };

  if (start !== undefined && start < store.compactedRevision) {
    send("ERROR", gone(`too old resource version: ${start} (${store.compactedRevision + 1})`).toStatus());
    end();
    return;
  }

  const hasSelectors = query.labelSelector !== undefined || query.fieldSelector !== undefined;
  const deliver = (change: Change) => {
    try {
      route(change);
    } catch (error) {
      // A watch that cannot encode an event ends with an ERROR; the write that caused it stands.
      send("ERROR", internalError(error instanceof Error ? error.message : String(error)).toStatus());
      end();
    }
  };
  const route = (change: Change) => {
    if (query.namespace !== undefined && change.namespace !== query.namespace) return;
    const matches = matchesSelectors(query, change.object);
    if (change.type !== "MODIFIED" || !hasSelectors) {
      if (matches) emit(change.type, change.object, change.json);
      return;
    }
    const before = change.previousLabels
      ? { ...change.object, metadata: { ...change.object.metadata, labels: change.previousLabels } }
      : change.object;
    const matchedBefore = matchesSelectors(query, before);
    if (matchedBefore && matches) emit("MODIFIED", change.object, change.json);
    else if (matches) emit("ADDED", change.object, change.json);
    else if (matchedBefore) emit("DELETED", change.object, change.json);
  };

  // Subscribing and replaying happen in one synchronous step: no change can fall between them.
  const unsubscribe = feed.subscribe(resource, deliver);
  if (start === undefined) {
    for (const object of store.list(resource, query.namespace !== undefined ? { namespace: query.namespace } : {})) {
      if (matchesSelectors(query, object)) emit("ADDED", object);
    }
  } else {
    for (const change of store.changesSince(resource, start, query.namespace)) deliver(change);
  }

  const timers: NodeJS.Timeout[] = [];
  const bookmark = () =>
    send("BOOKMARK", { kind: info.kind, apiVersion, metadata: { resourceVersion: String(store.revision) } });
  if (query.allowWatchBookmarks) timers.push(setInterval(bookmark, options.bookmarkIntervalMillis));
  if (query.timeoutSeconds !== undefined && query.timeoutSeconds > 0) {
    timers.push(
      setTimeout(() => {
        if (query.allowWatchBookmarks) bookmark();
        end();
      }, query.timeoutSeconds * 1000),
    );
  }
  response.on("close", () => {
    unsubscribe();
    for (const timer of timers) clearTimeout(timer);
  });
}
