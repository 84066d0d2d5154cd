// The loopback addresses something on this machine already listens on (Linux: /proc/net/tcp and tcp6), so
// Pod IPs skip them: another devcluster's Pods, or any server, may hold 127.1.0.1 and the ports a Pod binds.
import { readFileSync } from "node:fs";

/** IPv4 addresses with a socket in LISTEN state; empty where /proc/net is not readable. */
export function listeningAddresses(): Set<string> {
  const found = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state !== "0A" || local === undefined) continue;
      // IPv4 is 8 hex digits, little-endian; in tcp6 an IPv4-mapped address ends with those same 8 digits.
      const hex = local.split(":")[0]!;
      if (hex.length === 32 && !hex.startsWith("0000000000000000FFFF0000")) continue;
      const ipv4 = hex.slice(-8);
      found.add([6, 4, 2, 0].map((at) => Number.parseInt(ipv4.slice(at, at + 2), 16)).join("."));
    }
  }
  return found;
}
