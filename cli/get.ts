// Lists (or gets one of) functions, executions, schedules or revisions and prints them; -w follows changes.
import { createClient, type KontinueClient, type ObjectKind, type ObjectKinds } from "../client/index.ts";
import { FUNCTION_LABEL, type FunctionResource } from "../crds/index.ts";
import { connect } from "./connect.ts";
import type { GetOptions } from "./get-command.ts";
import { printObjects } from "./print-objects.ts";
import { renderTable } from "./render-table.ts";
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
    name === undefined
      ? await client.listObjects(kind, options.selector === undefined ? {} : { labelSelector: options.selector })
      : await one(client, kind, name);
  print(view, shown.items, options, name !== undefined, client.namespace);
  if (options.watch !== true) return;
  await client.watch(kind, {
    resourceVersion: shown.resourceVersion,
    ...(options.selector === undefined ? {} : { labelSelector: options.selector }),
    ...(name === undefined ? {} : { fieldSelector: `metadata.name=${name}` }),
    signal,
    onEvent: (_type, object) => {
      printChange(view, [object], options);
      return false;
    },
  });
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
      ? await client.listObjects("functions", options.selector === undefined ? {} : { labelSelector: options.selector })
      : await client.findFunction(name).then((fn) => ({ items: [fn], resourceVersion: fn.metadata.resourceVersion! }));
  const names = functions.items.map((fn) => fn.metadata.name!);
  const deployments =
    names.length === 0
      ? []
      : (await client.listObjects("deployments", { labelSelector: `${FUNCTION_LABEL} in (${names.join(",")})` })).items;
  print(revisionView, revisionsOf(functions.items, deployments), options, false, client.namespace);
  if (options.watch !== true) return;
  await client.watch("functions", {
    resourceVersion: functions.resourceVersion,
    ...(options.selector === undefined ? {} : { labelSelector: options.selector }),
    ...(name === undefined ? {} : { fieldSelector: `metadata.name=${functions.items[0]!.metadata.name}` }),
    signal,
    onEvent: (_type, fn) => {
      printChange(revisionView, revisionsOf([fn], deployments), options);
      return false;
    },
  });
}

function print<T extends object>(
  view: View<T>,
  items: readonly T[],
  options: GetOptions,
  single: boolean,
  namespace: string,
): void {
  const output = options.output;
  if (output === "json" || output === "yaml" || output === "name") {
    process.stdout.write(printObjects(items, { output, single }));
    return;
  }
  if (items.length === 0) {
    process.stderr.write(`No resources found in ${namespace} namespace.\n`);
    return;
  }
  process.stdout.write(table(view, items, output === "wide", true));
}

/** One change of `get -w`: rows without headers, or the object (YAML documents separated by ---). */
function printChange<T extends object>(view: View<T>, items: readonly T[], options: GetOptions): void {
  const output = options.output;
  if (output === "json" || output === "name") process.stdout.write(printObjects(items, { output, single: true }));
  else if (output === "yaml")
    for (const item of items) process.stdout.write(`---\n${printObjects([item], { output, single: true })}`);
  else if (items.length > 0) process.stdout.write(table(view, items, output === "wide", false));
}

function table<T>(view: View<T>, items: readonly T[], wide: boolean, headers: boolean): string {
  const now = Date.now();
  const columns = wide ? [...view.columns, ...view.wideColumns] : [...view.columns];
  const rows = items.map((item) => (wide ? [...view.row(item, now), ...view.wideRow(item, now)] : view.row(item, now)));
  return renderTable(columns, rows, { headers });
}
