// Durations as kubectl prints them in tables (AGE "5m", "2d3h"), from kubectl's duration.HumanDuration.

/** A short human form of `ms`: 42s, 3m12s, 45m, 5h30m, 20h, 3d4h, 12d, 3y. */
export function humanDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 8) return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
  if (days < 365 * 2) return `${days}d`;
  return `${Math.floor(days / 365)}y`;
}

/** The age of a timestamp at `now`, or `<unknown>`. */
export function age(timestamp: string | Date | undefined, now: number): string {
  if (timestamp === undefined) return "<unknown>";
  const at = new Date(timestamp).getTime();
  return Number.isNaN(at) ? "<unknown>" : humanDuration(now - at);
}
