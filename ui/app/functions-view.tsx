// Functions: revisions, replicas desired/ready, queue, image digest, conditions, and replicas and queue over time.
import { FunctionChart } from "./function-chart.tsx";
import { functions, version } from "./store.ts";

export function FunctionsView() {
  version.value;
  const rows = [...functions.values()].sort((a, b) => a.name.localeCompare(b.name));
  return (
    <section class="view" aria-labelledby="functions-title">
      <h1 id="functions-title">Functions</h1>
      {rows.length === 0 && <p>No functions in this namespace yet; deploy some with "kontinue deploy".</p>}
      {rows.length > 0 && (
        <table class="rows">
          <thead>
            <tr>
              <th scope="col">Function</th>
              <th scope="col">Replicas ready / current / desired</th>
              <th scope="col">Pending</th>
              <th scope="col">Executing</th>
              <th scope="col">Suspended</th>
              <th scope="col">Revisions</th>
              <th scope="col">Image digest</th>
              <th scope="col">Conditions</th>
              <th scope="col">Replicas and pending over time</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((fn) => (
              <tr key={fn.name}>
                <td>{fn.functionName}</td>
                <td class="num">
                  {fn.readyReplicas} / {fn.replicas} / {fn.desiredReplicas}
                </td>
                <td class="num">{fn.pending}</td>
                <td class="num">{fn.executing}</td>
                <td class="num">{fn.suspended}</td>
                <td>
                  {fn.revisions.map((r) => (
                    <div key={r.id}>
                      {r.id === fn.activeRevision ? "● " : ""}
                      {r.id}: {r.readyReplicas ?? 0}/{r.desiredReplicas ?? 0} replicas, {r.pending ?? 0} pending
                    </div>
                  ))}
                </td>
                <td>
                  <code>{fn.image.split("@")[1]?.slice(0, 19) ?? fn.image}</code>
                </td>
                <td>
                  {fn.conditions.map((c) => (
                    <div key={c.type} title={c.message}>
                      {c.type}={c.status}
                      {c.reason ? ` (${c.reason})` : ""}
                    </div>
                  ))}
                </td>
                <td>
                  <FunctionChart fn={fn} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
