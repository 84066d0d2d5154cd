// Start an execution: pick a function, edit JSON arguments (errors shown inline), idempotency key, Ctrl/⌘-Enter.
import { useSignal } from "@preact/signals";
import type { Execution } from "../../crds/index.ts";
import { api } from "./api.ts";
import { location, navigate } from "./router.ts";
import { executions, functions, version } from "./store.ts";

const lastArgsKey = (fn: string) => `kontinue.lastArguments.${fn}`;

function parseError(text: string): string {
  try {
    JSON.parse(text);
    return "";
  } catch (error) {
    return (error as Error).message;
  }
}

export function StartView() {
  version.value;
  const names = [
    ...new Set([
      ...[...functions.values()].map((f) => f.functionName),
      ...[...executions.values()].map((e) => e.function),
    ]),
  ].sort();
  const fn = useSignal(location.value.searchParams.get("function") ?? names[0] ?? "");
  const text = useSignal(localStorage.getItem(lastArgsKey(fn.value)) ?? "{}");
  const key = useSignal("");
  const failure = useSignal("");
  const invalid = parseError(text.value);
  const submit = async () => {
    if (invalid || fn.value === "") return;
    try {
      const created = await api<Execution>("/api/executions", {
        function: fn.value,
        arguments: JSON.parse(text.value),
        idempotencyKey: key.value,
      });
      localStorage.setItem(lastArgsKey(fn.value), text.value);
      navigate(`/executions/${created.metadata.name}`);
    } catch (error) {
      failure.value = (error as Error).message;
    }
  };
  return (
    <section class="view" aria-labelledby="start-title">
      <h1 id="start-title">Start an execution</h1>
      <form
        class="start"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
        onKeyDown={(e) => {
          if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            void submit();
          }
        }}
      >
        <label>
          Function
          <input
            list="function-names"
            value={fn.value}
            required
            onInput={(e) => {
              fn.value = e.currentTarget.value;
              const last = localStorage.getItem(lastArgsKey(fn.value));
              if (last !== null) text.value = last;
            }}
          />
          <datalist id="function-names">
            {names.map((name) => (
              <option key={name} value={name} />
            ))}
          </datalist>
        </label>
        <label>
          Arguments (JSON)
          <textarea
            rows={12}
            spellcheck={false}
            value={text.value}
            aria-invalid={invalid !== ""}
            aria-describedby="arguments-error"
            onInput={(e) => (text.value = e.currentTarget.value)}
          />
        </label>
        <p id="arguments-error" class="error-text" data-testid="json-error" aria-live="polite">
          {invalid && `Not valid JSON: ${invalid}`}
        </p>
        <label>
          Idempotency key (optional)
          <input value={key.value} onInput={(e) => (key.value = e.currentTarget.value)} />
        </label>
        <button type="submit" class="primary" disabled={invalid !== "" || fn.value === ""}>
          Start (Ctrl/⌘-Enter)
        </button>
        {failure.value && <p role="alert">{failure.value}</p>}
      </form>
    </section>
  );
}
