// The stream from the server: live, or stale since when, with the age of the last event. Reconnects resume after
// the last id (the browser's Last-Event-ID, or ?lastEventId= when a new EventSource has to be made).
import { signal } from "@preact/signals";
import type { StreamChange } from "../server/resource-stream.ts";
import { applyChanges } from "./store.ts";

export type StreamState = "connecting" | "live" | "stale";

export const streamState = signal<StreamState>("connecting");
export const lastEventAt = signal<number | undefined>(undefined);
export const staleSince = signal<number | undefined>(undefined);
/** The server refused this page's token (it was restarted with a new one): its message, saying where the token is. */
export const tokenRejected = signal<string | undefined>(undefined);

/** No message (heartbeats included) for this long means the stream is dead even if its socket is open. */
const silenceMs = 15_000;

export function connectStream(): void {
  let lastId = "";
  let source: EventSource | undefined;
  let watchdog: ReturnType<typeof setTimeout> | undefined;
  const stale = () => {
    streamState.value = "stale";
    staleSince.value ??= Date.now();
  };
  const alive = () => {
    lastEventAt.value = Date.now();
    streamState.value = "live";
    staleSince.value = undefined;
    tokenRejected.value = undefined;
    clearTimeout(watchdog);
    watchdog = setTimeout(() => {
      stale();
      open();
    }, silenceMs);
  };
  const onData = (reset: boolean) => (event: MessageEvent<string>) => {
    alive();
    if (event.lastEventId) lastId = event.lastEventId;
    applyChanges(JSON.parse(event.data) as StreamChange[], reset);
  };
  const open = () => {
    source?.close();
    source = new EventSource(lastId ? `/api/stream?lastEventId=${encodeURIComponent(lastId)}` : "/api/stream");
    source.addEventListener("reset", onData(true));
    source.addEventListener("changes", onData(false));
    source.addEventListener("heartbeat", alive);
    source.onopen = alive;
    source.onerror = () => {
      stale();
      // EventSource retries by itself unless the server answered with an error; then it is closed for good.
      if (source?.readyState !== EventSource.CLOSED) return;
      void fetch("/api/session")
        .then(async (answer) => {
          if (answer.status !== 401) return void (tokenRejected.value = undefined);
          tokenRejected.value = ((await answer.json()) as { error?: string }).error ?? "open the URL it printed";
        })
        .catch(() => undefined);
      setTimeout(open, 1_000);
    };
  };
  open();
}
