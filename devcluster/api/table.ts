// `kubectl get` tables (meta.k8s.io/v1 Table): printer columns by JSONPath or, for built-ins, computed cells.
import { formatLabelSelector, labelSelectorFromMatch } from "../registry/index.ts";
import type {
  JsonMap,
  KubeObject,
  LabelSelectorMatch,
  PrinterColumn,
  ResourceInfo,
  Table,
  TableRow,
} from "../registry/index.ts";
import { evaluateJsonPath, parseJsonPath } from "./json-path.ts";
import type { JsonPathStep } from "./json-path.ts";

/** A printer column; `cell` computes the value instead of the JSONPath (built-in kinds). */
export interface TableColumn extends PrinterColumn {
  cell?: (object: KubeObject, now: Date) => unknown;
}

export interface ToTableOptions {
  columns: TableColumn[];
  objects: KubeObject[];
  includeObject: "None" | "Metadata" | "Object";
  now: Date;
  resourceVersion: string;
  continueToken?: string;
  /** Watch events after the first may leave the column definitions out. */
  withColumnDefinitions: boolean;
}

/** kube's `duration.HumanDuration`: `45s`, `5m`, `2m30s`, `3h10m`, `2d3h`, `1y20d`. */
export function humanDuration(milliseconds: number): string {
  const seconds = Math.trunc(milliseconds / 1000);
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8)
    return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 365 * 8)
    return days % 365 === 0 ? `${Math.floor(days / 365)}y` : `${Math.floor(days / 365)}y${days % 365}d`;
  return `${Math.floor(days / 365)}y`;
}

function since(timestamp: unknown, now: Date): string {
  if (typeof timestamp !== "string") return "<unknown>";
  const time = Date.parse(timestamp);
  return Number.isNaN(time) ? "<unknown>" : humanDuration(now.getTime() - time);
}

/** A value as Go's `fmt` prints it, which is how kube's JSONPath printer fills string cells: `map[a:1]`, `[x y]`. */
function goFormat(value: unknown): string {
  if (value === null || value === undefined) return "<nil>";
  if (Array.isArray(value)) return `[${value.map(goFormat).join(" ")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `map[${entries.map(([key, item]) => `${key}:${goFormat(item)}`).join(" ")}]`;
  }
  return String(value);
}

/** A CRD date cell: the age of an RFC 3339 time, `<invalid>` when it is not one. */
function dateCell(value: unknown, now: Date): unknown {
  if (typeof value !== "string") return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? "<invalid>" : humanDuration(now.getTime() - time);
}

const parsedPaths = new Map<string, JsonPathStep[]>();

function parsedPath(expression: string): JsonPathStep[] {
  let steps = parsedPaths.get(expression);
  if (!steps) {
    steps = parseJsonPath(expression);
    parsedPaths.set(expression, steps);
  }
  return steps;
}

/** A CRD column's cell, typed as apiextensions-apiserver's table convertor types it; missing → null. */
function jsonPathCell(column: PrinterColumn, object: KubeObject, now: Date): unknown {
  const [value] = evaluateJsonPath(parsedPath(column.jsonPath), object);
  if (value === undefined || value === null) return null;
  switch (column.type) {
    case "string":
      return goFormat(value);
    case "integer":
      return typeof value === "number" ? Math.trunc(value) : null;
    case "number":
      return typeof value === "number" ? value : null;
    case "boolean":
      return typeof value === "boolean" ? value : null;
    case "date":
      return dateCell(value, now);
    default: {
      const unknown: never = column.type;
      return unknown;
    }
  }
}

function at(object: unknown, ...path: string[]): unknown {
  return path.reduce<unknown>(
    (node, name) => (typeof node === "object" && node !== null ? (node as JsonMap)[name] : undefined),
    object,
  );
}

function count(value: unknown): number {
  if (Array.isArray(value)) return value.length;
  return typeof value === "object" && value !== null ? Object.keys(value).length : 0;
}

function integer(value: unknown): number {
  return typeof value === "number" ? value : 0;
}

function containers(object: KubeObject): JsonMap[] {
  const list = at(object, "spec", "template", "spec", "containers");
  return Array.isArray(list) ? (list as JsonMap[]) : [];
}

function selectorText(selector: unknown): string {
  if (typeof selector !== "object" || selector === null) return "<none>";
  try {
    return formatLabelSelector(labelSelectorFromMatch(selector as LabelSelectorMatch)) || "<none>";
  } catch {
    return "<error>";
  }
}

type Cell = (object: KubeObject, now: Date) => unknown;

const ageCell: Cell = (object, now) => since(object.metadata.creationTimestamp, now);
const createdAtCell: Cell = (object) => object.metadata.creationTimestamp ?? null;

function podStatuses(object: KubeObject): JsonMap[] {
  const statuses = at(object, "status", "containerStatuses");
  return Array.isArray(statuses) ? (statuses as JsonMap[]) : [];
}

/** kube's printPod STATUS: a container's waiting or terminated reason over the phase; Terminating while deleted. */
function podStatusCell(object: KubeObject): unknown {
  let reason = at(object, "status", "reason") ?? at(object, "status", "phase") ?? "Pending";
  let running = false;
  for (const status of [...podStatuses(object)].reverse()) {
    const waiting = at(status, "state", "waiting", "reason");
    const terminated = at(status, "state", "terminated") as JsonMap | undefined;
    if (typeof waiting === "string" && waiting !== "") reason = waiting;
    else if (terminated && typeof terminated.reason === "string" && terminated.reason !== "")
      reason = terminated.reason;
    else if (terminated)
      reason = integer(terminated.signal)
        ? `Signal:${integer(terminated.signal)}`
        : `ExitCode:${integer(terminated.exitCode)}`;
    else if (status.ready === true && at(status, "state", "running")) running = true;
  }
  if (reason === "Completed" && running) {
    const conditions = at(object, "status", "conditions");
    const ready =
      Array.isArray(conditions) &&
      conditions.some((condition) => at(condition, "type") === "Ready" && at(condition, "status") === "True");
    reason = ready ? "Running" : "NotReady";
  }
  return at(object, "metadata", "deletionTimestamp") ? "Terminating" : reason;
}

/** Computed cells of built-in kinds, by kind and column name, as kube-apiserver's printers fill them. */
const builtinCells = new Map<string, Record<string, Cell>>([
  ["Namespace", { Status: (object) => at(object, "status", "phase") ?? "Active" }],
  ["ConfigMap", { Data: (object) => count(object.data) + count(object.binaryData) }],
  ["Secret", { Type: (object) => object.type ?? "Opaque", Data: (object) => count(object.data) }],
  ["ServiceAccount", { Secrets: (object) => count(object.secrets) }],
  [
    "Event",
    {
      "Last Seen": (object, now) =>
        since(object.lastTimestamp ?? object.eventTime ?? object.metadata.creationTimestamp, now),
      Object: (object) =>
        `${String(at(object, "involvedObject", "kind") ?? "").toLowerCase()}/` +
        String(at(object, "involvedObject", "name") ?? ""),
      Source: (object) =>
        [at(object, "source", "component"), at(object, "source", "host")]
          .filter((part) => typeof part === "string" && part !== "")
          .join(", "),
      Count: (object) => integer(object.count) || 1,
    },
  ],
  [
    "Pod",
    {
      Ready: (object) => {
        const total = count(at(object, "spec", "containers"));
        return `${podStatuses(object).filter((status) => status.ready === true).length}/${total}`;
      },
      Status: podStatusCell,
      Restarts: (object, now) => {
        const statuses = podStatuses(object);
        const restarts = statuses.reduce((sum, status) => sum + integer(status.restartCount), 0);
        const finished = statuses
          .map((status) => at(status, "lastState", "terminated", "finishedAt"))
          .filter((time) => typeof time === "string")
          .sort();
        const last = finished[finished.length - 1];
        return restarts > 0 && last ? `${restarts} (${since(last, now)} ago)` : String(restarts);
      },
      IP: (object) => at(object, "status", "podIP") ?? "<none>",
      Node: (object) => at(object, "spec", "nodeName") ?? "<none>",
    },
  ],
  [
    "Deployment",
    {
      Ready: (object) =>
        `${integer(at(object, "status", "readyReplicas"))}/${integer(at(object, "spec", "replicas") ?? 1)}`,
      "Up-to-date": (object) => integer(at(object, "status", "updatedReplicas")),
      Available: (object) => integer(at(object, "status", "availableReplicas")),
      Containers: (object) =>
        containers(object)
          .map((container) => String(container.name ?? ""))
          .join(","),
      Images: (object) =>
        containers(object)
          .map((container) => String(container.image ?? ""))
          .join(","),
      Selector: (object) => selectorText(at(object, "spec", "selector")),
    },
  ],
  [
    "ReplicaSet",
    {
      Desired: (object) => integer(at(object, "spec", "replicas") ?? 1),
      Current: (object) => integer(at(object, "status", "replicas")),
      Ready: (object) => integer(at(object, "status", "readyReplicas")),
      Containers: (object) =>
        containers(object)
          .map((container) => String(container.name ?? ""))
          .join(","),
      Images: (object) =>
        containers(object)
          .map((container) => String(container.image ?? ""))
          .join(","),
      Selector: (object) => selectorText(at(object, "spec", "selector")),
    },
  ],
  [
    "RoleBinding",
    {
      Role: (object) => `${String(at(object, "roleRef", "kind") ?? "")}/${String(at(object, "roleRef", "name") ?? "")}`,
    },
  ],
  [
    "ClusterRoleBinding",
    {
      Role: (object) => `${String(at(object, "roleRef", "kind") ?? "")}/${String(at(object, "roleRef", "name") ?? "")}`,
    },
  ],
]);

/** The columns `kubectl get` shows for a resource: its printer columns, with computed cells for built-ins. */
export function printerColumnsFor(info: ResourceInfo): TableColumn[] {
  if (!info.builtin) return info.printerColumns;
  const cells = builtinCells.get(info.kind) ?? {};
  return info.printerColumns.map((column) => {
    const cell = Object.hasOwn(cells, column.name)
      ? cells[column.name]
      : column.name === "Age"
        ? ageCell
        : column.name === "Created At"
          ? createdAtCell
          : undefined;
    return cell ? { ...column, cell } : column;
  });
}

function rowObject(object: KubeObject, includeObject: ToTableOptions["includeObject"]): KubeObject | undefined {
  switch (includeObject) {
    case "None":
      return undefined;
    case "Metadata":
      return { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: object.metadata };
    case "Object":
      return object;
    default: {
      const unknown: never = includeObject;
      return unknown;
    }
  }
}

/** Renders objects as a Table, the shape kubectl asks for with `Accept: application/json;as=Table;…`. */
export function toTable({
  columns,
  objects,
  includeObject,
  now,
  resourceVersion,
  continueToken,
  withColumnDefinitions,
}: ToTableOptions): Table {
  const rows: TableRow[] = objects.map((object) => {
    const cells = columns.map((column) =>
      column.cell
        ? column.cell(object, now)
        : column.jsonPath === ".metadata.name"
          ? (object.metadata.name ?? "")
          : jsonPathCell(column, object, now),
    );
    const rowObj = rowObject(object, includeObject);
    return rowObj ? { cells, object: rowObj } : { cells };
  });
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: { resourceVersion, ...(continueToken ? { continue: continueToken } : {}) },
    columnDefinitions: withColumnDefinitions
      ? columns.map((column) => ({
          name: column.name,
          type: column.type,
          format: column.format ?? "",
          description: column.description ?? "",
          priority: column.priority ?? 0,
        }))
      : [],
    rows,
  };
}
