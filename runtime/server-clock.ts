// The API server's time, as seen from here: the local monotonic clock plus an offset estimated from the
// `Date` headers of API responses. Each response bounds the offset: the server stamped a time in
// [Date, Date + 1 s) while the request was in flight, [sentAt, receivedAt] locally; the bounds of all
// responses are intersected (a sample that contradicts them — a clock stepped on either side — starts
// over). Due times written by other machines compare against this, so a 60 s skew between a worker
// and the controller neither resumes sleeps early nor reaps live leases.
import { systemClock, type Clock } from "./clock.ts";
import type { KubeHttpOptions } from "./kube-http.ts";

export interface ServerClockOptions {
  /** The local clock to offset (default: monotonic, `performance.timeOrigin + performance.now()`). */
  local?: Clock;
}

const monotonic: Clock = { now: () => performance.timeOrigin + performance.now(), sleep: systemClock.sleep };
const dateResolutionMs = 1000;

export class ServerClock implements Clock {
  /** The clock that times requests, for `observe`'s `sentAt` and `receivedAt`. */
  readonly local: Clock;
  private lower = -Infinity;
  private upper = Infinity;
  private last = -Infinity;

  constructor(options: ServerClockOptions = {}) {
    this.local = options.local ?? monotonic;
  }

  /** The server's time now (ms since the epoch): local time until a response has been observed. Never goes back. */
  now(): number {
    // A new sample can move the offset estimate back a little; time read twice must not run backwards.
    this.last = Math.max(this.last, this.local.now() + (this.offsetMs ?? 0));
    return this.last;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.local.sleep(ms, signal);
  }

  /** Server minus local time (ms), or undefined before any response; within ±0.5 s plus half a round trip. */
  get offsetMs(): number | undefined {
    return Number.isFinite(this.lower) ? (this.lower + this.upper) / 2 : undefined;
  }

  /** Options for createKubeHttp that time its requests on `local` and feed every answer to this clock. */
  kubeHttpOptions(): KubeHttpOptions {
    return { clock: this.local, onResponse: (r) => this.observe(r.date, r.sentAt, r.receivedAt) };
  }

  /** Feeds one response: its `Date` header and when (on `local`) its request was sent and its answer received. */
  observe(date: string | undefined, sentAt: number, receivedAt: number): void {
    const stamped = date === undefined ? NaN : Date.parse(date);
    if (Number.isNaN(stamped) || receivedAt < sentAt) return;
    const lower = stamped - receivedAt;
    const upper = stamped + dateResolutionMs - sentAt;
    if (lower > this.upper || upper < this.lower) {
      this.lower = lower;
      this.upper = upper;
      return;
    }
    this.lower = Math.max(this.lower, lower);
    this.upper = Math.min(this.upper, upper);
  }
}
