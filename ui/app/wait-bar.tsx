// Why an execution waited before its first step: a stacked bar (queue, scale-up, claim, start) and the same
// figures as text, which is what screen readers get.
import type { WaitBreakdown } from "../server/wait-breakdown.ts";
import { duration } from "./format.ts";

const parts = [
  ["queueMs", "queue", "in the queue"],
  ["scaleUpMs", "scale-up", "scaling up a worker (replicas written → Pod Ready)"],
  ["claimMs", "claim", "until the new worker claimed it"],
  ["startMs", "start", "from the claim to the first step"],
] as const;

export function WaitBar({ waited }: { waited: WaitBreakdown }) {
  if (waited.queueMs === undefined) return <span>not claimed yet</span>;
  const shown = parts.filter(([field]) => waited[field] !== undefined && waited[field] > 0);
  const total = shown.reduce((sum, [field]) => sum + waited[field]!, 0);
  return (
    <div class="wait" data-testid="wait-breakdown">
      {total > 0 && (
        <div class="wait-bar" aria-hidden="true">
          {shown.map(([field, name]) => (
            <span
              key={field}
              class={`wait-part wait-${name}`}
              style={{ width: `${((waited[field]! / total) * 100).toFixed(2)}%` }}
              title={`${name}: ${duration(waited[field])}`}
            />
          ))}
        </div>
      )}
      <ul class="wait-text">
        {parts.map(([field, name, what]) =>
          waited[field] === undefined ? null : (
            <li key={field} data-part={name}>
              <span class={`wait-key wait-${name}`} aria-hidden="true" />
              {duration(waited[field])} {what}
            </li>
          ),
        )}
        {waited.scaleUpMs === undefined && <li>scale-up unknown: the worker Pod is not visible to the UI</li>}
        {waited.totalMs !== undefined && <li>{duration(waited.totalMs)} in all before the first step</li>}
      </ul>
    </div>
  );
}
