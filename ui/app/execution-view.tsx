// One execution: phase, attempt, worker Pod, times, outcome, steps, suspension, children, YAML and actions.
import { useSignal, useSignalEffect } from "@preact/signals";
import type { Execution } from "../../crds/index.ts";
import type { ExecutionDetail } from "../server/execution-detail.ts";
import type { ExecutionRow } from "../server/execution-row.ts";
import { api } from "./api.ts";
import { clockTime, duration } from "./format.ts";
import { JsonValue } from "./json-tree.tsx";
import { now } from "./now.ts";
import { PhaseBadge } from "./phase-badge.tsx";
import { link, navigate } from "./router.ts";
import { StepTimeline } from "./step-timeline.tsx";
import { WaitBar } from "./wait-bar.tsx";
import { executions, lastChanged, version } from "./store.ts";

const finished = new Set(["Completed", "Failed", "Cancelled"]);

export function ExecutionView({ name }: { name: string }) {
  const detail = useSignal<ExecutionDetail | undefined>(undefined);
  const error = useSignal("");
  const load = (namespace: string) =>
    api<ExecutionDetail>(`/api/executions/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`)
      .then((loaded) => {
        detail.value = loaded;
        error.value = "";
      })
      .catch((e: Error) => (error.value = e.message));
  useSignalEffect(() => {
    version.value;
    const changed = lastChanged.value;
    const mine = [...executions.values()].find((row) => row.name === name);
    if (mine === undefined) return;
    const ownKey = `execution/${mine.namespace}/${name}`;
    const childChanged = [...changed].some((k) => executions.get(k.slice("execution/".length))?.parent === name);
    if (detail.peek()?.execution.metadata.name !== name || changed.has(ownKey) || childChanged)
      void load(mine.namespace);
  });
  version.value;
  const row = [...executions.values()].find((r) => r.name === name);
  if (row === undefined)
    return (
      <section class="view" aria-labelledby="detail-title">
        <h1 id="detail-title">{name}</h1>
        <p>{version.value === 0 ? "Loading…" : "This execution does not exist (or was deleted)."}</p>
      </section>
    );
  const shown = detail.value?.execution.metadata.name === name ? detail.value : undefined;
  return (
    <section class="view" aria-labelledby="detail-title">
      <h1 id="detail-title">
        {name} <PhaseBadge phase={row.phase} />
      </h1>
      {error.value && <p role="alert">{error.value}</p>}
      {shown && <Detail detail={shown} row={row} />}
    </section>
  );
}

function Detail({ detail, row }: { detail: ExecutionDetail; row: ExecutionRow }) {
  const { execution, suspension, waited } = detail;
  const status = execution.status ?? {};
  const steps = status.state?.steps ?? [];
  const running = !finished.has(row.phase);
  const base = `/api/executions/${encodeURIComponent(row.namespace)}/${encodeURIComponent(row.name)}`;
  const retries = [...executions.values()].filter((r) => r.retryOf === row.name);
  const created = Date.parse(String(execution.metadata.creationTimestamp ?? ""));
  const start = status.startedAt ? Math.min(Date.parse(status.startedAt), created || Infinity) : created;
  return (
    <>
      <dl class="facts">
        <dt>Function</dt>
        <dd>{row.function}</dd>
        <dt>Attempt</dt>
        <dd>{row.attempt}</dd>
        <dt>Worker Pod</dt>
        <dd>{status.lease?.pod ?? status.lease?.holder ?? "none"}</dd>
        <dt>Started</dt>
        <dd>{clockTime(status.startedAt) || "not yet"}</dd>
        <dt>Finished</dt>
        <dd>{clockTime(status.completedAt) || "not yet"}</dd>
        <dt>Waited before its first step</dt>
        <dd>
          <WaitBar waited={waited} />
        </dd>
        {row.parent && (
          <>
            <dt>Parent</dt>
            <dd>
              <a href={`/executions/${row.parent}`} onClick={link(`/executions/${row.parent}`)}>
                {row.parent}
              </a>
            </dd>
          </>
        )}
        {row.retryOf && (
          <>
            <dt>Retry of</dt>
            <dd>
              <a href={`/executions/${row.retryOf}`} onClick={link(`/executions/${row.retryOf}`)}>
                {row.retryOf}
              </a>
            </dd>
          </>
        )}
        {retries.length > 0 && (
          <>
            <dt>Retried as</dt>
            <dd>
              {retries.map((r) => (
                <a key={r.name} href={`/executions/${r.name}`} onClick={link(`/executions/${r.name}`)}>
                  {r.name}{" "}
                </a>
              ))}
            </dd>
          </>
        )}
      </dl>
      <Actions execution={execution} row={row} base={base} />
      {status.error && (
        <div class="outcome error" data-testid="error">
          <h2>Error</h2>
          <p>
            {status.error.type}: {status.error.message}
          </p>
          {status.error.stack && <pre>{status.error.stack}</pre>}
        </div>
      )}
      {row.phase === "Completed" && (
        <div class="outcome" data-testid="result">
          <h2>Result</h2>
          <JsonValue value={status.result ?? null} load={`${base}/values/result`} />
        </div>
      )}
      {suspension && row.phase === "Suspended" && (
        <div class="suspension" data-testid="suspension">
          <h2>Suspended: {suspension.reason}</h2>
          {suspension.until && (
            <p>
              Due {clockTime(suspension.until)} UTC (in {duration(Date.parse(suspension.until) - now.value)})
            </p>
          )}
          {suspension.children?.length ? <p>Waiting for children: {suspension.children.join(", ")}</p> : null}
          {suspension.signals?.length ? <p>Waiting for signal: {suspension.signals.join(", ")}</p> : null}
          {suspension.message && <p>{suspension.message}</p>}
        </div>
      )}
      <h2>Steps</h2>
      <StepTimeline
        steps={steps}
        start={Number.isFinite(start) ? start : now.value}
        running={running}
        now={now.value}
        valuePath={(seq) => `${base}/values/${seq}`}
      />
      <h2>Arguments</h2>
      <JsonValue value={execution.spec.arguments ?? null} load={`${base}/values/arguments`} />
      <h2>Children</h2>
      <ChildTree parent={row.name} depth={0} />
      <details class="yaml">
        <summary>YAML</summary>
        <pre>{detail.yaml}</pre>
      </details>
    </>
  );
}

function ChildTree({ parent, depth }: { parent: string; depth: number }) {
  const children = [...executions.values()].filter((r) => r.parent === parent);
  if (children.length === 0) return depth === 0 ? <p>None.</p> : null;
  return (
    <ul class="children" data-testid={depth === 0 ? "children" : undefined}>
      {children.map((child) => (
        <li key={child.name}>
          <a href={`/executions/${child.name}`} onClick={link(`/executions/${child.name}`)}>
            {child.name}
          </a>{" "}
          <PhaseBadge phase={child.phase} />
          {depth < 5 && <ChildTree parent={child.name} depth={depth + 1} />}
        </li>
      ))}
    </ul>
  );
}

function Actions({ execution, row, base }: { execution: Execution; row: ExecutionRow; base: string }) {
  const message = useSignal("");
  const editing = useSignal<string | undefined>(undefined);
  const signalName = useSignal("");
  const signalPayload = useSignal("null");
  const run = (path: string, body: unknown, after?: (answer: Execution) => void) =>
    api<Execution>(path, body)
      .then((answer) => {
        message.value = "";
        after?.(answer);
      })
      .catch((e: Error) => (message.value = e.message));
  const retryTo = (answer: Execution) => navigate(`/executions/${answer.metadata.name}`);
  const ns = row.namespace;
  const args = JSON.stringify(execution.spec.arguments ?? null);
  return (
    <div class="actions">
      <h2 class="visually-hidden">Actions</h2>
      <div class="buttons">
        <button type="button" disabled={finished.has(row.phase)} onClick={() => run(`${base}/cancel`, {})}>
          Cancel
        </button>
        <button type="button" onClick={() => run(`${base}/retry`, {}, retryTo)}>
          Retry
        </button>
        <button
          type="button"
          onClick={() => (editing.value = JSON.stringify(execution.spec.arguments ?? null, null, 2))}
        >
          Retry with edited arguments…
        </button>
      </div>
      {editing.value !== undefined && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            try {
              const parsed: unknown = JSON.parse(editing.value!);
              void run(`${base}/retry`, { arguments: parsed }, retryTo);
            } catch (error) {
              message.value = `the arguments are not JSON: ${(error as Error).message}`;
            }
          }}
        >
          <label>
            Arguments (JSON)
            <textarea rows={6} value={editing.value} onInput={(e) => (editing.value = e.currentTarget.value)} />
          </label>
          <button type="submit">Retry with these arguments</button>
        </form>
      )}
      <form
        class="signal"
        onSubmit={(e) => {
          e.preventDefault();
          let payload: unknown;
          try {
            payload = JSON.parse(signalPayload.value);
          } catch (error) {
            message.value = `the payload is not JSON: ${(error as Error).message}`;
            return;
          }
          void run(`${base}/signal`, { name: signalName.value, payload }, () => (message.value = "Signal sent."));
        }}
      >
        <label>
          Signal name
          <input required value={signalName.value} onInput={(e) => (signalName.value = e.currentTarget.value)} />
        </label>
        <label>
          Payload (JSON)
          <input value={signalPayload.value} onInput={(e) => (signalPayload.value = e.currentTarget.value)} />
        </label>
        <button type="submit" disabled={finished.has(row.phase)}>
          Send signal
        </button>
      </form>
      {message.value && (
        <p role="alert" data-testid="action-message">
          {message.value}
        </p>
      )}
      <details class="commands">
        <summary>Copy as a command</summary>
        <Command text={`kubectl get execution ${row.name} -n ${ns} -o yaml`} />
        <Command
          text={`kubectl patch execution ${row.name} -n ${ns} --type merge -p '{"spec":{"cancelRequested":true}}'`}
        />
        <Command text={`kontinue execute ${row.function} '${args}' -n ${ns}`} />
      </details>
    </div>
  );
}

function Command({ text }: { text: string }) {
  return (
    <div class="command">
      <code>{text}</code>
      <button type="button" onClick={() => void navigator.clipboard?.writeText(text)} aria-label={`copy: ${text}`}>
        Copy
      </button>
    </div>
  );
}
