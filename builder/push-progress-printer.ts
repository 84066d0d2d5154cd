// Progress of a push on stderr, per Function, in bytes: one line rewritten in place on a terminal,
// plain lines otherwise (CI logs): one per Function when its image is in the registry, one per large blob.
import type { PushProgress } from "./registry-publisher.ts";

export interface PushProgressPrinterOptions {
  /** Where lines go (the CLI passes process.stderr). */
  write: (text: string) => void;
  /** A terminal: rewrite one status line instead of printing many. */
  interactive: boolean;
  /** Functions being pushed, for "3/20". */
  total: number;
}

/** Blobs at least this large get their own line when not on a terminal. */
const LARGE_BLOB = 1024 * 1024;

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export class PushProgressPrinter implements PushProgress {
  private readonly options: PushProgressPrinterOptions;
  private finished = 0;
  private sentBytes = 0;
  private readonly perFunction = new Map<string, number>();

  constructor(options: PushProgressPrinterOptions) {
    this.options = options;
  }

  sent(functionName: string, bytes: number): void {
    this.sentBytes += bytes;
    const sofar = (this.perFunction.get(functionName) ?? 0) + bytes;
    this.perFunction.set(functionName, sofar);
    if (this.options.interactive) this.status(functionName);
    else if (bytes >= LARGE_BLOB) this.options.write(`pushing "${functionName}": ${formatBytes(sofar)} sent\n`);
  }

  done(functionName: string, bytes: number): void {
    this.finished++;
    if (this.options.interactive) this.status(functionName);
    else {
      const sent = bytes === 0 ? "unchanged or mounted, nothing sent" : `${formatBytes(bytes)} sent`;
      this.options.write(`pushed "${functionName}" (${this.finished}/${this.options.total}): ${sent}\n`);
    }
  }

  /** Ends the status line on a terminal. */
  finish(): void {
    if (!this.options.interactive) return;
    this.options.write(
      `\r\x1b[Kpushed ${this.finished}/${this.options.total} Functions, ${formatBytes(this.sentBytes)} sent\n`,
    );
  }

  private status(functionName: string): void {
    const counts = `${this.finished}/${this.options.total} Functions, ${formatBytes(this.sentBytes)} sent`;
    this.options.write(`\r\x1b[Kpushing ${counts} (last: "${functionName}")`);
  }
}
