// The live display of `kontinue deploy`: one line per Function rewritten in place on a terminal, one plain line per
// change otherwise (CI logs); then the summary table (function, revision, bytes pushed, time, status).
import { formatBytes, type PushProgress } from "../builder/index.ts";

/** Where a Function is in the deploy. */
export type DeployStage =
  | "building"
  | "pushing"
  | "pushed"
  | "unchanged"
  | "applying"
  | "waiting"
  | "ready"
  | "failed"
  | "timed-out"
  | "pruned";

export interface DeployProgressOptions {
  /** Where the display goes (the CLI passes stderr). */
  write: (text: string) => void;
  /** A terminal: redraw the block of lines in place. */
  interactive: boolean;
  /** Milliseconds since some origin (default Date.now); the table's times count from construction. */
  now?: () => number;
}

interface Row {
  stage: DeployStage;
  detail: string;
  revision: string;
  bytes: number;
  /** When the row reached a final stage. */
  endedAt: number | undefined;
}

const FINAL: ReadonlySet<DeployStage> = new Set(["ready", "failed", "timed-out", "pruned"]);

const STAGE_TEXT: Record<DeployStage, string> = {
  building: "building",
  pushing: "pushing",
  pushed: "pushed",
  unchanged: "unchanged",
  applying: "applying",
  waiting: "waiting for Ready",
  ready: "Ready",
  failed: "not Ready",
  "timed-out": "timed out",
  pruned: "pruned",
};

export class DeployProgress implements PushProgress {
  readonly #options: DeployProgressOptions;
  readonly #now: () => number;
  readonly #startedAt: number;
  readonly #rows = new Map<string, Row>();
  /** Lines drawn by the last redraw (terminal only). */
  #drawn = 0;

  constructor(options: DeployProgressOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#startedAt = this.#now();
  }

  /** Moves `functionName` to `stage`; `detail` says more (a reason, bytes). */
  update(functionName: string, stage: DeployStage, detail = ""): void {
    const row = this.#rows.get(functionName) ?? { stage, detail, revision: "", bytes: 0, endedAt: undefined };
    if (row.stage === stage && row.detail === detail && this.#rows.has(functionName)) return;
    row.stage = stage;
    row.detail = detail;
    row.endedAt = FINAL.has(stage) ? this.#now() : undefined;
    this.#rows.set(functionName, row);
    if (this.#options.interactive) this.#redraw();
    else this.#options.write(`${functionName}: ${STAGE_TEXT[stage]}${detail ? ` (${detail})` : ""}\n`);
  }

  /** The revision (first 16 hex digits of the image digest) the Function is deployed at. */
  setRevision(functionName: string, revision: string): void {
    const row = this.#rows.get(functionName);
    if (row) row.revision = revision;
  }

  stage(functionName: string): DeployStage | undefined {
    return this.#rows.get(functionName)?.stage;
  }

  bytesPushed(functionName: string): number {
    return this.#rows.get(functionName)?.bytes ?? 0;
  }

  sent(functionName: string, bytes: number): void {
    const row = this.#rows.get(functionName);
    if (!row) return;
    row.bytes += bytes;
    this.update(functionName, "pushing", `${formatBytes(row.bytes)} sent`);
  }

  done(functionName: string, bytes: number): void {
    const row = this.#rows.get(functionName);
    if (row) row.bytes = Math.max(row.bytes, bytes);
    this.update(functionName, "pushed", bytes === 0 ? "nothing to send" : `${formatBytes(bytes)} sent`);
  }

  /** The summary table, one row per Function in the order they were first seen. */
  table(): string {
    const header = ["FUNCTION", "REVISION", "PUSHED", "TIME", "STATUS"];
    const lines = [...this.#rows].map(([name, row]) => [
      name,
      row.revision || "-",
      formatBytes(row.bytes),
      `${(((row.endedAt ?? this.#now()) - this.#startedAt) / 1000).toFixed(2)}s`,
      STAGE_TEXT[row.stage] + (FINAL.has(row.stage) && row.detail ? `: ${row.detail}` : ""),
    ]);
    const widths = header.map((title, i) => Math.max(title.length, ...lines.map((line) => line[i]!.length)));
    return [header, ...lines]
      .map((cells) =>
        cells
          .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
          .join("   ")
          .trimEnd(),
      )
      .map((line) => `${line}\n`)
      .join("");
  }

  #redraw(): void {
    const width = Math.max(...[...this.#rows.keys()].map((name) => name.length));
    const lines = [...this.#rows].map(
      ([name, row]) => `${name.padEnd(width)}  ${STAGE_TEXT[row.stage]}${row.detail ? ` (${row.detail})` : ""}`,
    );
    const up = this.#drawn > 0 ? `\x1b[${this.#drawn}F` : "";
    this.#options.write(up + lines.map((line) => `\x1b[2K${line}\n`).join(""));
    this.#drawn = lines.length;
  }
}
