// `kontinue describe execution|function <name>`: one object in detail. For an execution, the step timeline
// (kind, name, status, attempt, duration, value size, child) and, while parked, the suspension and why.
import type { CoreV1Event } from "@kubernetes/client-node";
import { createClient, type KontinueClient } from "../client/index.ts";
import {
  FUNCTION_LABEL,
  type FunctionResource,
  type JournalEntry,
  PARENT_UID_LABEL,
  RETRY_OF_ANNOTATION,
  type Suspension,
} from "../crds/index.ts";
import { isKontinueError } from "../runtime/client-entry.ts";
import { connect } from "./connect.ts";
import type { DescribeOptions } from "./describe-command.ts";
import { age, humanDuration } from "./human-duration.ts";
import { renderTable } from "./render-table.ts";
import { revisionsOf, revisionView } from "./resource-views.ts";
import { UsageError } from "./usage-error.ts";

export async function describeObject(what: string, name: string, options: DescribeOptions): Promise<void> {
  const kind = what.toLowerCase();
  const isExecution = ["execution", "executions", "exec", "kex"].includes(kind);
  const isFunction = ["function", "functions", "fn", "kfn"].includes(kind);
  if (!isExecution && !isFunction)
    throw new UsageError(
      `kontinue describes executions and functions, not "${what}"; e.g. "kontinue describe execution <name>"`,
    );
  const client = createClient(connect(options));
  try {
    const text = isExecution ? await describeExecution(client, name) : await describeFunction(client, name);
    process.stdout.write(text);
  } finally {
    client.close();
  }
}

async function describeExecution(client: KontinueClient, name: string): Promise<string> {
  const execution = await client.getExecution(name);
  const now = Date.now();
  const status = execution.status ?? {};
  const [suspension, children, events] = await Promise.all([
    status.phase === "Suspended" ? optional(client.getObject("suspensions", name)) : Promise.resolve(undefined),
    execution.metadata.uid === undefined
      ? Promise.resolve([])
      : client
          .listAllObjects("executions", { labelSelector: `${PARENT_UID_LABEL}=${execution.metadata.uid}` })
          .then((list) => list.items),
    eventsOf(client, "Execution", name),
  ]);
  const fields: [string, string][] = [
    ["Name", name],
    ["Namespace", execution.metadata.namespace ?? client.namespace],
    ["Function", execution.spec.function],
    ["Phase", status.phase ?? "Pending"],
    ["Attempt", String(status.attempt ?? 0)],
    ["Revision", status.revision ?? "<none>"],
    ["Lease", status.lease ? `${status.lease.holder} until ${status.lease.expiresAt}` : "<none>"],
    ["Created", when(execution.metadata.creationTimestamp, now)],
    ["Started", when(status.startedAt, now)],
    ["Completed", when(status.completedAt, now)],
  ];
  if (status.startedAt !== undefined) {
    const end = status.completedAt === undefined ? now : Date.parse(status.completedAt);
    fields.push(["Duration", humanDuration(end - Date.parse(status.startedAt))]);
  }
  const retryOf = execution.metadata.annotations?.[RETRY_OF_ANNOTATION];
  if (retryOf !== undefined) fields.push(["Retry Of", retryOf]);
  if (execution.spec.parent)
    fields.push(["Parent", `${execution.spec.parent.name} (step ${execution.spec.parent.step})`]);
  if (execution.spec.idempotencyKey !== undefined) fields.push(["Idempotency Key", execution.spec.idempotencyKey]);
  if (execution.spec.cancelRequested === true) fields.push(["Cancel", "requested"]);
  fields.push(["Arguments", preview(execution.spec.arguments)]);
  if (status.phase === "Completed") fields.push(["Result", preview(status.result)]);
  if (status.error) fields.push(["Error", `${status.error.type}: ${status.error.message}`]);
  if (status.phase === "Suspended") fields.push(["Suspended", suspensionText(suspension, now)]);
  const signals = execution.spec.signals ?? [];
  if (signals.length > 0) fields.push(["Signals", signals.map((s) => `${s.name} (${s.id})`).join(", ")]);

  return [
    labelled(fields),
    section("Steps", stepsTable(status.state?.steps ?? [], now)),
    section(
      "Children",
      children.length === 0
        ? ""
        : renderTable(
            ["Name", "Function", "Phase", "Age"],
            children.map((child) => [
              child.metadata.name!,
              child.spec.function,
              child.status?.phase ?? "Pending",
              age(child.metadata.creationTimestamp, now),
            ]),
          ),
    ),
    section("Events", eventsTable(events, now)),
  ].join("");
}

async function describeFunction(client: KontinueClient, name: string): Promise<string> {
  const fn = await client.findFunction(name);
  const now = Date.now();
  const resourceName = fn.metadata.name!;
  const [deployments, executions, events] = await Promise.all([
    client.listAllObjects("deployments", { labelSelector: `${FUNCTION_LABEL}=${resourceName}` }).then((l) => l.items),
    client.list({ labelSelector: `${FUNCTION_LABEL}=${resourceName}` }).then((l) => l.items),
    eventsOf(client, "Function", resourceName),
  ]);
  const status = fn.status ?? {};
  const scaling = fn.spec.scaling ?? {};
  const byPhase = new Map<string, number>();
  for (const execution of executions) {
    const phase = execution.status?.phase ?? "Pending";
    byPhase.set(phase, (byPhase.get(phase) ?? 0) + 1);
  }
  const fields: [string, string][] = [
    ["Name", resourceName],
    ["Namespace", fn.metadata.namespace ?? client.namespace],
    ["Function", fn.spec.functionName],
    ["Image", fn.spec.image],
    ["Created", when(fn.metadata.creationTimestamp, now)],
    ["Concurrency", String(fn.spec.concurrency ?? 10)],
    [
      "Scaling",
      `min ${scaling.minReplicas ?? 0}, max ${scaling.maxReplicas ?? 10}, ` +
        `${scaling.targetPendingPerReplica ?? 5} pending per replica, cooldown ${scaling.cooldownSeconds ?? 300}s`,
    ],
    ["Replicas", `${status.readyReplicas ?? 0} ready / ${status.desiredReplicas ?? 0} desired`],
    ["Queue", `${status.pending ?? 0} pending, ${status.executing ?? 0} executing, ${status.suspended ?? 0} suspended`],
    ["Active Revision", status.activeRevision ?? "<none>"],
    [
      "Executions",
      byPhase.size === 0 ? "<none>" : [...byPhase].map(([phase, count]) => `${count} ${phase}`).join(", "),
    ],
  ];
  const revisions = revisionsOf([fn], deployments);
  return [
    labelled(fields),
    section(
      "Revisions",
      revisions.length === 0
        ? ""
        : renderTable(
            [...revisionView.columns, "Deployment"],
            revisions.map((r) => [...revisionView.row(r, now), r.deployment ?? "<none>"]),
          ),
    ),
    section("Conditions", conditionsTable(fn)),
    section("Events", eventsTable(events, now)),
  ].join("");
}

function stepsTable(steps: readonly JournalEntry[], now: number): string {
  if (steps.length === 0) return "";
  const rows = [...steps]
    .sort((a, b) => a.seq - b.seq)
    .map((step) => {
      const started = Date.parse(step.startedAt);
      const finished = step.finishedAt === undefined ? undefined : Date.parse(step.finishedAt);
      const value = step.value === undefined ? undefined : Buffer.byteLength(JSON.stringify(step.value));
      const detail = [
        step.child === undefined ? "" : `child ${step.child}${step.function ? ` (${step.function})` : ""}`,
        step.until === undefined ? "" : `until ${step.until}`,
        step.signal === undefined ? "" : `signal ${step.signal}`,
        step.error === undefined ? "" : `${step.error.type}: ${step.error.message}`,
      ]
        .filter(Boolean)
        .join("; ");
      return [
        String(step.seq),
        step.kind,
        step.name,
        step.status,
        String(step.attempts),
        finished === undefined ? `${stepDuration(now - started)} so far` : stepDuration(finished - started),
        value === undefined ? "-" : `${value} B`,
        detail || "-",
      ];
    });
  return renderTable(["Seq", "Kind", "Name", "Status", "Attempt", "Duration", "Value", "Detail"], rows);
}

/** Steps are often short: 350ms, 2.5s, then as tables print ages (3m12s). */
function stepDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1).replace(/\.0$/, "")}s`;
  return humanDuration(ms);
}

function suspensionText(suspension: Suspension | undefined, now: number): string {
  if (suspension === undefined) return "parked (its Suspension is not there yet, or was just resumed)";
  const spec = suspension.spec;
  const parts: string[] = [spec.reason];
  if (spec.until !== undefined) {
    const due = Date.parse(spec.until) - now;
    parts.push(`until ${spec.until} (${due > 0 ? `in ${humanDuration(due)}` : "due"})`);
  }
  if (spec.children?.length) parts.push(`waiting for ${spec.children.join(", ")}`);
  if (spec.signals?.length) parts.push(`waiting for signal ${spec.signals.join(", ")}`);
  if (spec.message) parts.push(spec.message);
  return parts.join("; ");
}

function conditionsTable(fn: FunctionResource): string {
  const conditions = fn.status?.conditions ?? [];
  if (conditions.length === 0) return "";
  return renderTable(
    ["Type", "Status", "Reason", "Message"],
    conditions.map((c) => [c.type, c.status, c.reason ?? "", c.message ?? ""]),
  );
}

async function eventsOf(client: KontinueClient, kind: string, name: string): Promise<CoreV1Event[]> {
  try {
    const list = await client.listObjects("events", {
      fieldSelector: `involvedObject.kind=${kind},involvedObject.name=${name}`,
      limit: 500,
    });
    return list.items;
  } catch (error) {
    // As kubectl describe: one page of 500 events; events it cannot read are shown as none.
    if (isKontinueError(error)) return [];
    throw error;
  }
}

function eventsTable(events: readonly CoreV1Event[], now: number): string {
  if (events.length === 0) return "";
  const sorted = [...events].sort((a, b) => String(a.lastTimestamp ?? "").localeCompare(String(b.lastTimestamp ?? "")));
  return renderTable(
    ["Type", "Reason", "Age", "From", "Message"],
    sorted.map((event) => [
      event.type ?? "",
      event.reason ?? "",
      age(event.lastTimestamp ?? event.eventTime, now),
      event.source?.component ?? event.reportingComponent ?? "",
      event.message ?? "",
    ]),
  );
}

async function optional<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (error) {
    if (isKontinueError(error, "CLIENT_NOT_FOUND")) return undefined;
    throw error;
  }
}

function when(timestamp: string | Date | undefined, now: number): string {
  if (timestamp === undefined) return "<none>";
  return `${new Date(timestamp).toISOString()} (${age(timestamp, now)} ago)`;
}

/** A JSON value on one line, cut at 200 characters, with its size. */
function preview(value: unknown): string {
  const text = JSON.stringify(value ?? null);
  const size = Buffer.byteLength(text);
  return `${text.length > 200 ? `${text.slice(0, 200)}…` : text} (${size} B)`;
}

function labelled(fields: readonly [string, string][]): string {
  const width = Math.max(...fields.map(([label]) => label.length)) + 2;
  return fields.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}\n`).join("");
}

function section(title: string, body: string): string {
  return `${title}:${body === "" ? " <none>\n" : `\n${body.trimEnd().replace(/^/gm, "  ")}\n`}`;
}
