// One run of a container's output, as the kubelet keeps it: a file of `<time> <stream> <line>` entries,
// readable with tail/since/timestamps and followed live until the run ends.
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import type { ContainerLogView, LogReadOptions } from "../api/index.ts";

type Listener = (line: string) => void;

/** RFC 3339 with nanoseconds, as kubectl logs --timestamps prints. */
function logTime(date: Date): string {
  return `${date.toISOString().slice(0, 23)}000000Z`;
}

export class ContainerLog implements ContainerLogView {
  readonly path: string;
  readonly #clock: () => Date;
  readonly #partial = { stdout: "", stderr: "" };
  readonly #listeners = new Set<{ line: Listener; end: () => void }>();
  #ended = false;

  constructor(path: string, clock: () => Date) {
    this.path = path;
    this.#clock = clock;
  }

  get ended(): boolean {
    return this.#ended;
  }

  write(stream: "stdout" | "stderr", chunk: Buffer | string): void {
    const text = this.#partial[stream] + chunk.toString();
    const lines = text.split("\n");
    this.#partial[stream] = lines.pop() ?? "";
    for (const line of lines) this.#append(stream, line);
  }

  /** The run is over: flush partial lines and end every follower. */
  end(): void {
    if (this.#ended) return;
    for (const stream of ["stdout", "stderr"] as const)
      if (this.#partial[stream]) this.#append(stream, this.#partial[stream]);
    this.#ended = true;
    for (const listener of this.#listeners) listener.end();
    this.#listeners.clear();
  }

  /** What is written so far, formatted. */
  read(options: LogReadOptions): string[] {
    const entries = existsSync(this.path) ? readFileSync(this.path, "utf8").split("\n").filter(Boolean) : [];
    const since =
      options.sinceSeconds !== undefined ? this.#clock().getTime() - options.sinceSeconds * 1000 : undefined;
    const kept = entries.filter(
      (entry) => since === undefined || Date.parse(entry.slice(0, entry.indexOf(" "))) >= since,
    );
    const tail =
      options.tailLines !== undefined && options.tailLines >= 0
        ? kept.slice(Math.max(0, kept.length - options.tailLines))
        : kept;
    return tail.map((entry) => format(entry, options.timestamps));
  }

  /** Calls `line` for each new entry until the run ends (`end`); returns the unsubscribe. */
  follow(timestamps: boolean, line: Listener, end: () => void): () => void {
    if (this.#ended) {
      end();
      return () => {};
    }
    const listener = { line: (entry: string) => line(format(entry, timestamps)), end };
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #append(stream: "stdout" | "stderr", line: string): void {
    const entry = `${logTime(this.#clock())} ${stream} ${line}`;
    appendFileSync(this.path, `${entry}\n`);
    for (const listener of this.#listeners) listener.line(entry);
  }
}

function format(entry: string, timestamps: boolean): string {
  const first = entry.indexOf(" ");
  const second = entry.indexOf(" ", first + 1);
  const text = entry.slice(second + 1);
  return timestamps ? `${entry.slice(0, first)} ${text}` : text;
}
