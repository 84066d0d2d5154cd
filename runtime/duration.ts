// Durations as users write them: milliseconds, or text like "500ms", "10s", "10m", "2h", "7d", "1h30m".
import { KontinueError } from "./kontinue-error.ts";

/** A number of milliseconds, or text such as `"10m"` or `"1h30m"`. */
export type Duration = number | string;

const unitMs: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const part = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/y;

export class InvalidDurationError extends KontinueError {
  readonly input: Duration;
  constructor(input: Duration) {
    super(
      "RUNTIME_INVALID_DURATION",
      `cannot read duration ${JSON.stringify(input)}: expected milliseconds (a number ≥ 0) or text like "500ms", ` +
        `"10s", "10m", "2h", "7d", "1h30m"; fix the call`,
      { terminal: true },
    );
    this.name = "InvalidDurationError";
    this.input = input;
  }
}

/** The number of milliseconds `input` stands for. */
export function parseDuration(input: Duration): number {
  if (typeof input === "number") {
    if (!Number.isFinite(input) || input < 0) throw new InvalidDurationError(input);
    return input;
  }
  const text = input.trim();
  if (text === "") throw new InvalidDurationError(input);
  let total = 0;
  part.lastIndex = 0;
  while (part.lastIndex < text.length) {
    const start = part.lastIndex;
    const match = part.exec(text);
    if (match === null || match.index !== start) throw new InvalidDurationError(input);
    total += Number(match[1]) * unitMs[match[2]!]!;
  }
  return total;
}
