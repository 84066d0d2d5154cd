// One lane per step, a bar from its start to its finish coloured by kind, a "now" line while the execution runs,
// and the same data as a table (the accessible twin).
import type { JournalEntry } from "../../crds/index.ts";
import { clockTime, duration } from "./format.ts";
import { JsonValue } from "./json-tree.tsx";

interface StepTimelineProps {
  steps: readonly JournalEntry[];
  start: number;
  running: boolean;
  now: number;
  /** The API path of a step's full value, `…/values/<seq>`. */
  valuePath: (seq: number) => string;
}

export function StepTimeline({ steps, start, running, now, valuePath }: StepTimelineProps) {
  const ends = steps.map((step) => (step.finishedAt ? Date.parse(step.finishedAt) : now));
  const end = Math.max(start + 1, running ? now : 0, ...ends);
  const span = end - start;
  const at = (time: number) => `${(((time - start) / span) * 100).toFixed(2)}%`;
  return (
    <div>
      <div class="timeline" aria-hidden="true" data-testid="timeline">
        {steps.map((step, i) => {
          const from = Date.parse(step.startedAt);
          return (
            <div class="lane" key={step.seq}>
              <span class="lane-name">{step.name || step.kind}</span>
              <span class="lane-track">
                <span
                  class={`bar kind-${step.kind} status-${step.status}`}
                  style={{ left: at(from), width: `max(2px, calc(${at(ends[i]!)} - ${at(from)}))` }}
                  title={`${step.kind} ${step.name}: ${duration(ends[i]! - from)}`}
                />
                {running && <span class="now-line" style={{ left: at(now) }} />}
              </span>
            </div>
          );
        })}
      </div>
      <table class="steps" data-testid="steps-table">
        <caption>Steps ({steps.length})</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Kind</th>
            <th scope="col">Name</th>
            <th scope="col">Status</th>
            <th scope="col">Started</th>
            <th scope="col">Took</th>
            <th scope="col">Attempts</th>
            <th scope="col">Value or error</th>
          </tr>
        </thead>
        <tbody>
          {steps.map((step, i) => (
            <tr key={step.seq}>
              <td class="num">{step.seq}</td>
              <td>{step.kind}</td>
              <td>{step.child ? <a href={`/executions/${step.child}`}>{step.name}</a> : step.name}</td>
              <td>{step.status}</td>
              <td>{clockTime(step.startedAt)}</td>
              <td>{duration(ends[i]! - Date.parse(step.startedAt))}</td>
              <td class="num">{step.attempts}</td>
              <td>
                {step.error ? (
                  <details>
                    <summary class="error-text">
                      {step.error.type}: {step.error.message}
                    </summary>
                    {step.error.stack && <pre>{step.error.stack}</pre>}
                  </details>
                ) : step.value !== undefined ? (
                  <JsonValue value={step.value} load={valuePath(step.seq)} />
                ) : (
                  ""
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
