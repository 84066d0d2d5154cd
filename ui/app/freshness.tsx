// Whether the view's stream is live, the age of its last event, and a "stale since" banner when it drops.
import { lastEventAt, staleSince, streamState, tokenRejected } from "./event-stream.ts";
import { clockTime, duration } from "./format.ts";
import { now } from "./now.ts";

export function Freshness() {
  const state = streamState.value;
  const last = lastEventAt.value;
  return (
    <div class={`freshness ${state}`} data-testid="freshness" data-state={state}>
      <span class="dot" aria-hidden="true" />
      <span role="status">
        {state === "live" ? "live" : state === "stale" ? "stale" : "connecting"}
        {last === undefined ? "" : ` · last event ${duration(now.value - last)} ago`}
      </span>
    </div>
  );
}

export function StaleBanner() {
  const since = staleSince.value;
  if (since === undefined) return null;
  return (
    <div class="banner" role="alert" data-testid="stale-banner">
      Stale since {clockTime(new Date(since).toISOString())} UTC:{" "}
      {tokenRejected.value !== undefined
        ? `the UI server no longer accepts this page's token (it was restarted with another): ${tokenRejected.value}.`
        : "the stream from the server dropped; reconnecting. What you see may be out of date."}
    </div>
  );
}
