// A JSON value as a collapsible tree; a value the server cut past ~10 KB shows its preview and "load all".
import { useState } from "preact/hooks";
import type { TruncatedValue } from "../server/execution-detail.ts";
import { api } from "./api.ts";

function isTruncated(value: unknown): value is TruncatedValue {
  return typeof value === "object" && value !== null && (value as TruncatedValue).$truncated === true;
}

export function JsonValue({ value, load }: { value: unknown; load?: string }) {
  const [full, setFull] = useState<{ value: unknown } | undefined>(undefined);
  const [error, setError] = useState("");
  const shown = full === undefined ? value : full.value;
  if (isTruncated(shown))
    return (
      <div class="truncated">
        <pre class="json">{shown.preview}…</pre>
        <span>
          showing 10 KB of {Math.round(shown.bytes / 1024)} KB{" "}
          {load && (
            <button
              type="button"
              onClick={() =>
                api<{ value: unknown }>(load)
                  .then(setFull)
                  .catch((e: Error) => setError(e.message))
              }
            >
              load all
            </button>
          )}
        </span>
        {error && <span role="alert">{error}</span>}
      </div>
    );
  return (
    <div class="json">
      <Node value={shown} depth={0} />
    </div>
  );
}

function Node({ value, depth, label }: { value: unknown; depth: number; label?: string }) {
  const prefix = label === undefined ? "" : `${label}: `;
  if (value === null || typeof value !== "object")
    return (
      <div class="leaf">
        {prefix}
        <span class={`j-${value === null ? "null" : typeof value}`}>{JSON.stringify(value)}</span>
      </div>
    );
  const entries = Array.isArray(value)
    ? value.map((item, i) => [String(i), item] as const)
    : Object.entries(value as Record<string, unknown>);
  const summary = Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`;
  return (
    <details open={depth < 2}>
      <summary>
        {prefix}
        {summary}
      </summary>
      {entries.map(([key, item]) => (
        <Node key={key} value={item} depth={depth + 1} label={key} />
      ))}
    </details>
  );
}
