// The executions list: filters kept in the URL, rows live from the stream, virtualised, bulk cancel/retry.
import { computed, useSignal } from "@preact/signals";
import { useEffect, useRef, useState } from "preact/hooks";
import type { ExecutionPhase } from "../../crds/index.ts";
import type { ExecutionRow } from "../server/execution-row.ts";
import { api } from "./api.ts";
import { age, between, duration } from "./format.ts";
import { now } from "./now.ts";
import { PhaseBadge } from "./phase-badge.tsx";
import { link, location, navigate } from "./router.ts";
import { executions, version } from "./store.ts";

const phases: ExecutionPhase[] = ["Pending", "Executing", "Suspended", "Completed", "Failed", "Cancelled"];
const windows: Record<string, number> = { "15m": 900_000, "1h": 3_600_000, "24h": 86_400_000, "7d": 604_800_000 };
const rowHeight = 33;
const overscan = 10;

interface Filters {
  phase: string;
  fn: string;
  since: string;
  prefix: string;
  roots: boolean;
}

function filtersOf(url: URL): Filters {
  const q = url.searchParams;
  return {
    phase: q.get("phase") ?? "",
    fn: q.get("function") ?? "",
    since: q.get("since") ?? "",
    prefix: q.get("prefix") ?? "",
    roots: q.get("roots") === "1",
  };
}

function setFilter(name: string, value: string): void {
  const url = new URL(location.value);
  if (value === "") url.searchParams.delete(name);
  else url.searchParams.set(name, value);
  navigate(url.pathname + url.search, "replace");
}

const filtered = computed(() => {
  version.value;
  const f = filtersOf(location.value);
  const since = windows[f.since];
  const cutoff = since === undefined ? undefined : now.peek() - since;
  const rows: ExecutionRow[] = [];
  for (const row of executions.values()) {
    if (f.phase && row.phase !== f.phase) continue;
    if (f.fn && row.function !== f.fn) continue;
    if (f.prefix && !row.name.startsWith(f.prefix)) continue;
    if (f.roots && row.parent !== undefined) continue;
    if (cutoff !== undefined && (row.createdAt === undefined || Date.parse(row.createdAt) < cutoff)) continue;
    rows.push(row);
  }
  return rows.sort((a, b) => (b.createdAt ?? "").localeCompare(a.createdAt ?? "") || a.name.localeCompare(b.name));
});

const functionNames = computed(() => {
  version.value;
  return [...new Set([...executions.values()].map((row) => row.function))].sort();
});

export function ExecutionsView() {
  const f = filtersOf(location.value);
  const rows = filtered.value;
  const selected = useSignal<ReadonlySet<string>>(new Set());
  const confirm = useSignal<"cancel" | "retry" | undefined>(undefined);
  const outcome = useSignal("");
  const scroller = useRef<HTMLDivElement>(null);
  const [scroll, setScroll] = useState({ top: 0, height: 600 });
  useEffect(() => {
    const element = scroller.current!;
    const update = () => setScroll({ top: element.scrollTop, height: element.clientHeight });
    update();
    element.addEventListener("scroll", update, { passive: true });
    window.addEventListener("resize", update);
    return () => {
      element.removeEventListener("scroll", update);
      window.removeEventListener("resize", update);
    };
  }, []);
  const first = Math.max(0, Math.floor(scroll.top / rowHeight) - overscan);
  const last = Math.min(rows.length, Math.ceil((scroll.top + scroll.height) / rowHeight) + overscan);
  const targets = selected.value.size > 0 ? [...selected.value] : rows.map((row) => row.name);
  const toggle = (name: string) => {
    const next = new Set(selected.value);
    if (!next.delete(name)) next.add(name);
    selected.value = next;
  };
  const runBulk = async (action: "cancel" | "retry") => {
    confirm.value = undefined;
    try {
      const result = await api<{ done: number; failed: Array<{ name: string; message: string }> }>("/api/bulk", {
        action,
        names: targets,
      });
      outcome.value =
        `${action === "cancel" ? "Cancelled" : "Retried"} ${result.done}` +
        (result.failed.length ? `; ${result.failed.length} failed: ${result.failed[0]!.message}` : "");
      selected.value = new Set();
    } catch (error) {
      outcome.value = (error as Error).message;
    }
  };
  return (
    <section aria-labelledby="executions-title" class="view">
      <h1 id="executions-title">Executions</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
        <label>
          Phase
          <select value={f.phase} onChange={(e) => setFilter("phase", e.currentTarget.value)}>
            <option value="">any</option>
            {phases.map((phase) => (
              <option key={phase} value={phase}>
                {phase}
              </option>
            ))}
          </select>
        </label>
        <label>
          Function
          <select value={f.fn} onChange={(e) => setFilter("function", e.currentTarget.value)}>
            <option value="">any</option>
            {functionNames.value.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Created
          <select value={f.since} onChange={(e) => setFilter("since", e.currentTarget.value)}>
            <option value="">any time</option>
            {Object.keys(windows).map((w) => (
              <option key={w} value={w}>
                last {w}
              </option>
            ))}
          </select>
        </label>
        <label>
          Name prefix
          <input
            type="search"
            value={f.prefix}
            onInput={(e) => setFilter("prefix", e.currentTarget.value)}
            placeholder="process-order-"
          />
        </label>
        <label class="check">
          <input
            type="checkbox"
            checked={f.roots}
            onChange={(e) => setFilter("roots", e.currentTarget.checked ? "1" : "")}
          />
          Roots only
        </label>
      </form>
      <div class="toolbar">
        <span data-testid="row-count">
          {rows.length} execution{rows.length === 1 ? "" : "s"}
          {selected.value.size > 0 ? `, ${selected.value.size} selected` : ""}
        </span>
        <button type="button" disabled={targets.length === 0} onClick={() => (confirm.value = "cancel")}>
          Cancel {selected.value.size > 0 ? "selected" : "all shown"}…
        </button>
        <button type="button" disabled={targets.length === 0} onClick={() => (confirm.value = "retry")}>
          Retry {selected.value.size > 0 ? "selected" : "all shown"}…
        </button>
        <a class="button primary" href="/start" onClick={link("/start")}>
          Start an execution
        </a>
        {confirm.value && (
          <span class="confirm" role="alertdialog" aria-label="Confirm">
            {confirm.value === "cancel" ? "Cancel" : "Retry"} {targets.length} execution
            {targets.length === 1 ? "" : "s"}?
            <button type="button" class="danger" onClick={() => runBulk(confirm.value!)}>
              Yes, {confirm.value} {targets.length}
            </button>
            <button type="button" onClick={() => (confirm.value = undefined)}>
              No
            </button>
          </span>
        )}
        {outcome.value && <output>{outcome.value}</output>}
      </div>
      <div class="scroller" ref={scroller} data-testid="executions-scroller">
        <table class="rows">
          <thead>
            <tr>
              <th scope="col">
                <span class="visually-hidden">Select</span>
              </th>
              <th scope="col">Name</th>
              <th scope="col">Function</th>
              <th scope="col">Phase</th>
              <th scope="col">Attempt</th>
              <th scope="col">Steps</th>
              <th scope="col">Age</th>
              <th scope="col">Duration</th>
              <th scope="col">Parent</th>
            </tr>
          </thead>
          <tbody>
            {first > 0 && <tr class="spacer" style={{ height: `${first * rowHeight}px` }} />}
            {rows.slice(first, last).map((row) => (
              <tr key={row.name} data-name={row.name} data-phase={row.phase}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`select ${row.name}`}
                    checked={selected.value.has(row.name)}
                    onChange={() => toggle(row.name)}
                  />
                </td>
                <td>
                  <a href={`/executions/${row.name}`} onClick={link(`/executions/${row.name}`)}>
                    {row.name}
                  </a>
                </td>
                <td>{row.function}</td>
                <td>
                  <PhaseBadge phase={row.phase} />
                </td>
                <td class="num">{row.attempt}</td>
                <td class="num">{row.steps}</td>
                <td>{age(row.createdAt, now.value)}</td>
                <td>{duration(between(row.startedAt, row.completedAt, now.value))}</td>
                <td>
                  {row.parent && (
                    <a href={`/executions/${row.parent}`} onClick={link(`/executions/${row.parent}`)}>
                      {row.parent}
                    </a>
                  )}
                </td>
              </tr>
            ))}
            {last < rows.length && <tr class="spacer" style={{ height: `${(rows.length - last) * rowHeight}px` }} />}
          </tbody>
        </table>
      </div>
    </section>
  );
}
