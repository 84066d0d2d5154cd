// Schedules: cron and time zone, the next five times, the last runs, suspend/resume and run now.
import { useSignal } from "@preact/signals";
import type { ScheduleRow } from "../server/schedule-row.ts";
import { api } from "./api.ts";
import { clockTime } from "./format.ts";
import { PhaseBadge } from "./phase-badge.tsx";
import { link } from "./router.ts";
import { executions, schedules, version } from "./store.ts";

export function SchedulesView() {
  version.value;
  const message = useSignal("");
  const rows = [...schedules.values()].sort((a, b) => a.name.localeCompare(b.name));
  const act = (row: ScheduleRow, action: "suspend" | "resume" | "run") =>
    api(`/api/schedules/${encodeURIComponent(row.namespace)}/${encodeURIComponent(row.name)}/${action}`, {})
      .then(() => (message.value = ""))
      .catch((e: Error) => (message.value = e.message));
  return (
    <section class="view" aria-labelledby="schedules-title">
      <h1 id="schedules-title">Schedules</h1>
      {message.value && <p role="alert">{message.value}</p>}
      {rows.length === 0 && <p>No schedules in this namespace.</p>}
      {rows.length > 0 && (
        <table class="rows">
          <thead>
            <tr>
              <th scope="col">Schedule</th>
              <th scope="col">Cron</th>
              <th scope="col">Function</th>
              <th scope="col">Next 5 (UTC)</th>
              <th scope="col">Last runs</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.name}>
                <td>{row.name}</td>
                <td>
                  <code>{row.schedule}</code> {row.timeZone}
                </td>
                <td>{row.function}</td>
                <td>
                  {row.suspend
                    ? "suspended"
                    : row.invalid
                      ? `invalid: ${row.invalid}`
                      : row.next.map(clockTime).join(", ")}
                </td>
                <td>
                  {[...executions.values()]
                    .filter((e) => e.schedule === row.name && e.namespace === row.namespace)
                    .sort((a, b) => (b.createdAt ?? "").localeCompare(a.createdAt ?? ""))
                    .slice(0, 5)
                    .map((e) => (
                      <div key={e.name}>
                        <a href={`/executions/${e.name}`} onClick={link(`/executions/${e.name}`)}>
                          {e.name}
                        </a>{" "}
                        <PhaseBadge phase={e.phase} />
                      </div>
                    ))}
                </td>
                <td>
                  <button type="button" onClick={() => act(row, row.suspend ? "resume" : "suspend")}>
                    {row.suspend ? "Resume" : "Suspend"}
                  </button>{" "}
                  <button type="button" onClick={() => act(row, "run")}>
                    Run now
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
