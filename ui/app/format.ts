// Times and durations as the views print them.
export function age(from: string | undefined, now: number): string {
  return from === undefined ? "" : duration(now - Date.parse(from));
}

export function duration(ms: number | undefined): string {
  if (ms === undefined || Number.isNaN(ms)) return "";
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return ms < 10_000 ? `${(Math.max(0, ms) / 1000).toFixed(1)}s` : `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
  return `${Math.floor(s / 86_400)}d${Math.floor((s % 86_400) / 3600)}h`;
}

export function between(start: string | undefined, end: string | undefined, now: number): number | undefined {
  if (start === undefined) return undefined;
  return (end === undefined ? now : Date.parse(end)) - Date.parse(start);
}

export function clockTime(iso: string | undefined): string {
  return iso === undefined ? "" : new Date(iso).toISOString().replace("T", " ").slice(0, 19);
}
