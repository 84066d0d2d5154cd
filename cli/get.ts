// Lists (or gets one of) functions, executions, schedules or revisions and prints them; -w follows changes.
import { createClient, type KontinueClient, type ObjectKind, type ObjectKinds } from "../client/index.ts";
import { FUNCTION_LABEL, type FunctionResource } from "../crds/index.ts";
import { connect } from "./connect.ts";
import type { GetOptions } from "./get-command.ts";
import { GetPrinter } from "./get-printer.ts";
import {
  executionView,
  functionView,
  revisionsOf,
  revisionView,
  scheduleView,
  type View,
  type ViewName,
  viewName,
} from "./resource-views.ts";

interface Shown<T> {
  items: T[];
  resourceVersion: string;
}

export async function getObjects(
  what: string,
  name: string | undefined,
  options: GetOptions,
  signal: AbortSignal,
): Promise<void> {
  const view = viewName(what);
  const client = createClient(connect(options));
  try {
    await show(client, view, name, options, signal);
  } catch (error) {
    if (!signal.aborted) throw error;
  } finally {
    client.close();
  }
}

async function show(
  client: KontinueClient,
  view: ViewName,
  name: string | undefined,
  options: GetOptions,
  signal: AbortSignal,
): Promise<void> {
  switch (view) {
    case "functions":
      return showKind(client, functionView, name, options, signal);
    case "executions":
      return showKind(client, executionView, name, options, signal);
    case "schedules":
      return showKind(client, scheduleView, name, options, signal);
    case "revisions":
      return showRevisions(client, name, options, signal);
    default: {
      const unknown: never = view;
      throw new Error(`unknown view ${String(unknown)}`);
    }
  }
}

async function showKind<K extends ObjectKind>(
  client: KontinueClient,
  view: View<ObjectKinds[K]>,
  name: string | undefined,
  options: GetOptions,
  signal: AbortSignal,
): Promise<void> {
  const kind = view.kind as K;
  const shown: Shown<ObjectKinds[K]> =
    name === undefined ? await client.listAllObjects(kind, listOptions(options)) : await one(client, kind, name);
  const printer = new GetPrinter(view, options.output);
  const watching = options.watch === true;
  printer.list(shown.items, { single: name !== undefined, namespace: client.namespace, watching });
  if (!watching) return;
  const printed = new PrintedVersions(shown.items);
  await client.watch(kind, {
    resourceVersion: shown.resourceVersion,
    ...listOptions(options),
    ...(name === undefined ? {} : { fieldSelector: `metadata.name=${name}` }),
    signal,
    onEvent: (_type, object) => {
      printed.saw(object);
      printer.changed([object]);
      return false;
    },
    onRelist: (items) => {
      printer.changed(printed.changedIn(items));
      return false;
    },
  });
}

/** The list flags: `-l` and `--chunk-size`. */
function listOptions(options: GetOptions): { labelSelector?: string; chunkSize: number } {
  return {
    ...(options.selector === undefined ? {} : { labelSelector: options.selector }),
    chunkSize: options.chunkSize,
  };
}

interface Versioned {
  metadata?: { namespace?: string; name?: string; resourceVersion?: string };
}

/** The resourceVersion printed last for each object, so that a re-list (after a 410) prints only what changed. */
class PrintedVersions {
  readonly #versions = new Map<string, string | undefined>();

  constructor(items: readonly Versioned[]) {
    for (const item of items) this.saw(item);
  }

  saw(item: Versioned): void {
    this.#versions.set(`${item.metadata?.namespace}/${item.metadata?.name}`, item.metadata?.resourceVersion);
  }

  /** The items of a re-list not printed at their current version; they count as printed from now on. */
  changedIn<T extends Versioned>(items: readonly T[]): T[] {
    const changed = items.filter(
      (item) =>
        this.#versions.get(`${item.metadata?.namespace}/${item.metadata?.name}`) !== item.metadata?.resourceVersion,
    );
    for (const item of changed) this.saw(item);
    return changed;
  }
}

async function one<K extends ObjectKind>(
  client: KontinueClient,
  kind: K,
  name: string,
): Promise<Shown<ObjectKinds[K]>> {
  const object = await client.getObject(kind, name);
  return { items: [object], resourceVersion: (object.metadata as { resourceVersion?: string }).resourceVersion ?? "" };
}

async function showRevisions(
  client: KontinueClient,
  name: string | undefined,
  options: GetOptions,
  signal: AbortSignal,
): Promise<void> {
  const functions: Shown<FunctionResource> =
    name === undefined
      ? await client.listAllObjects("functions", listOptions(options))
      : await client.findFunction(name).then((fn) => ({ items: [fn], resourceVersion: fn.metadata.resourceVersion! }));
  const names = functions.items.map((fn) => fn.metadata.name!);
  const deployments =
    names.length === 0
      ? []
      : (
          await client.listAllObjects("deployments", {
            labelSelector: `${FUNCTION_LABEL} in (${names.join(",")})`,
            chunkSize: options.chunkSize,
          })
        ).items;
  const printer = new GetPrinter(revisionView, options.output);
  const watching = options.watch === true;
  printer.list(revisionsOf(functions.items, deployments), { single: false, namespace: client.namespace, watching });
  if (!watching) return;
  await client.watch("functions", {
    resourceVersion: functions.resourceVersion,
    ...listOptions(options),
    ...(name === undefined ? {} : { fieldSelector: `metadata.name=${functions.items[0]!.metadata.name}` }),
    signal,
    onEvent: (_type, fn) => {
      printer.changed(revisionsOf([fn], deployments));
      return false;
    },
  });
}
