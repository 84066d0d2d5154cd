// A Function's replicas and queue over time (`GET /api/functions/<ns>/<name>/history`): a small SVG chart, with the
// same points as a table for screen readers and keyboard users.
import { useSignal, useSignalEffect } from "@preact/signals";
import type { HistoryPoint } from "../server/function-history.ts";
import type { FunctionRow } from "../server/function-row.ts";
import { api } from "./api.ts";
import { clockTime } from "./format.ts";
import { lastChanged } from "./store.ts";

const width = 160;
const height = 36;

export function FunctionChart({ fn }: { fn: FunctionRow }) {
  const points = useSignal<HistoryPoint[] | undefined>(undefined);
  const error = useSignal("");
  const path = `/api/functions/${encodeURIComponent(fn.namespace)}/${encodeURIComponent(fn.name)}/history`;
  useSignalEffect(() => {
    // A change of the Function (its status, after a scale) may come with new Events: fetch again.
    if (points.peek() !== undefined && !lastChanged.value.has(`function/${fn.namespace}/${fn.name}`)) return;
    api<{ points: HistoryPoint[] }>(path)
      .then((answer) => {
        points.value = answer.points;
        error.value = "";
      })
      .catch((e: Error) => (error.value = e.message));
  });
  if (error.value) return <span role="alert">{error.value}</span>;
  const shown = points.value ?? [];
  if (shown.length === 0) return <span>{points.value === undefined ? "loading…" : "no history yet"}</span>;
  const last = shown.at(-1)!;
  return (
    <div class="function-chart" data-testid={`history-${fn.name}`}>
      <Lines points={shown} label={`${fn.functionName}: now ${last.replicas} replicas, ${last.pending ?? 0} pending`} />
      <details>
        <summary>{shown.length} points as a table</summary>
        <table class="rows history-table">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Replicas</th>
              <th scope="col">Pending</th>
              <th scope="col">From</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((point, i) => (
              <tr key={i}>
                <td>{clockTime(new Date(point.at).toISOString())}</td>
                <td class="num">{point.replicas}</td>
                <td class="num">{point.pending ?? ""}</td>
                <td>{point.source === "event" ? `Event ${point.reason}` : "status"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}

function Lines({ points, label }: { points: readonly HistoryPoint[]; label: string }) {
  const from = points[0]!.at;
  const span = Math.max(1, points.at(-1)!.at - from);
  const top = Math.max(1, ...points.map((p) => Math.max(p.replicas, p.pending ?? 0)));
  const x = (at: number) => (((at - from) / span) * (width - 4) + 2).toFixed(1);
  const y = (value: number) => (height - 2 - (value / top) * (height - 4)).toFixed(1);
  // Steps, not slopes: a count holds until the next point changes it.
  const steps = (value: (p: HistoryPoint) => number | undefined) => {
    let previous: number | undefined;
    return points
      .flatMap((p) => {
        const v = value(p) ?? previous;
        if (v === undefined) return [];
        const out =
          previous === undefined ? [`${x(p.at)},${y(v)}`] : [`${x(p.at)},${y(previous)}`, `${x(p.at)},${y(v)}`];
        previous = v;
        return out;
      })
      .join(" ");
  };
  return (
    <svg width={width} height={height} role="img" aria-label={label} data-testid="function-chart">
      <polyline points={steps((p) => p.replicas)} class="line-replicas" fill="none" />
      <polyline points={steps((p) => p.pending)} class="line-queued" fill="none" />
    </svg>
  );
}
