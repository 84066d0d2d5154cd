// A flag given in seconds (--timeout 60), refused unless it is a positive number.
import { UsageError } from "./usage-error.ts";

export function parseSeconds(flag: string, text: string): number {
  const seconds = Number(text);
  if (text.trim() === "" || !Number.isFinite(seconds) || seconds <= 0)
    throw new UsageError(`${flag} "${text}" is not a positive number of seconds; pass e.g. ${flag} 60`);
  return seconds;
}
