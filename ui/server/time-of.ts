// Kubernetes times (RFC 3339 strings, or Dates after client-node's decoding) as ms since the epoch.

/** ms since the epoch, or undefined for a missing or unparsable time. */
export function timeOf(value: Date | string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? undefined : ms;
}
