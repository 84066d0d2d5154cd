// List with selectors and pagination: pages ordered by namespace then name, opaque continue tokens.
import type { Store } from "../storage/index.ts";
import { badRequest, gone } from "./api-error.ts";
import { matchesFieldSelector } from "./field-selector.ts";
import type { FieldSelector } from "./field-selector.ts";
import { matchesLabelSelector } from "./label-selector.ts";
import type { LabelSelector } from "./label-selector.ts";
import { present } from "./object-service.ts";
import { storageResource } from "./resource-catalogue.ts";
import type { KubeObject, ResourceInfo } from "./resource-info.ts";

export interface Selectors {
  labelSelector?: LabelSelector;
  fieldSelector?: FieldSelector;
}

export interface ListQuery extends Selectors {
  namespace?: string;
  limit?: number;
  continueToken?: string;
}

export interface ListPage {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

interface ContinueState {
  /** The list's resourceVersion; -1 (the token of an expired-token 410): whatever is latest. */
  rv: number;
  start: { namespace: string; name: string };
}

/** kube-apiserver's rv for "continue at the latest version" (0 would be a bad token). */
const latestRevision = -1;

const expiredMessage =
  "The provided continue parameter is too old to display a consistent list result. You can start a new list without " +
  "the continue parameter, or use the continue token in this response to retrieve the remainder of the results. " +
  "Continuing with the provided token results in an inconsistent list - objects that were created, modified, or " +
  "deleted between the time the first chunk was returned and now may show up in the list.";

function encodeContinue(state: ContinueState): string {
  return Buffer.from(JSON.stringify({ v: "meta.k8s.io/v1", ...state })).toString("base64");
}

function decodeContinue(token: string, compacted: number): ContinueState {
  let state: Partial<ContinueState> & { v?: string };
  try {
    state = JSON.parse(Buffer.from(token, "base64").toString("utf8")) as typeof state;
  } catch {
    throw badRequest(`continue key is not valid: illegal base64 data or JSON in "${token}"`);
  }
  if (
    state.v !== "meta.k8s.io/v1" ||
    typeof state.rv !== "number" ||
    state.rv === 0 ||
    typeof state.start?.name !== "string" ||
    typeof state.start.namespace !== "string"
  ) {
    throw badRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
  }
  // As kube-apiserver: the 410 carries a token that continues after the same key at the latest version.
  if (state.rv !== latestRevision && state.rv < compacted)
    throw gone(expiredMessage, encodeContinue({ rv: latestRevision, start: state.start }));
  return state as ContinueState;
}

/** Whether an object passes both selectors. */
export function matchesSelectors(selectors: Selectors, object: KubeObject): boolean {
  return (
    (!selectors.labelSelector || matchesLabelSelector(selectors.labelSelector, object.metadata.labels)) &&
    (!selectors.fieldSelector || matchesFieldSelector(selectors.fieldSelector, object))
  );
}

/** One page of a list; built-in items lose apiVersion and kind as kube-apiserver's typed lists do. */
export function listObjects(store: Store, info: ResourceInfo, query: ListQuery): ListPage {
  const resource = storageResource(info);
  const state = query.continueToken ? decodeContinue(query.continueToken, store.compactedRevision) : undefined;
  const revision = state === undefined || state.rv === latestRevision ? store.revision : state.rv;
  const scope = {
    ...(query.namespace !== undefined ? { namespace: query.namespace } : {}),
    ...(state ? { after: state.start } : {}),
  };
  const limit = query.limit !== undefined && query.limit > 0 ? query.limit : Infinity;
  const items: KubeObject[] = [];
  let more = false;
  for (const object of store.list(resource, scope)) {
    if (!matchesSelectors(query, object)) continue;
    if (items.length === limit) {
      more = true;
      break;
    }
    items.push(object);
  }
  const page: ListPage = { items: items.map((object) => listItem(info, object)), resourceVersion: String(revision) };
  if (more) {
    const last = items[items.length - 1]!;
    const start = { namespace: last.metadata.namespace ?? "", name: last.metadata.name ?? "" };
    page.continue = encodeContinue({ rv: revision, start });
    if (!query.labelSelector && !query.fieldSelector)
      page.remainingItemCount = store.count(resource, {
        ...(query.namespace !== undefined ? { namespace: query.namespace } : {}),
        after: start,
      });
  }
  return page;
}

function listItem(info: ResourceInfo, object: KubeObject): KubeObject {
  if (!info.builtin) return present(info, object);
  const item: Partial<KubeObject> = { ...object };
  delete item.apiVersion;
  delete item.kind;
  return item as KubeObject;
}
