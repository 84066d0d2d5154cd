// Pod IPs on loopback: every live Pod gets its own 127.x.y.z (Linux routes all of 127/8 to lo),
// so two Pods can each bind the same port. Two devclusters on one machine (parallel test suites) must not hand out
// the same address: each starts at a random /24 block, and addresses something already listens on are skipped
// (that alone leaves a window: a Pod's process binds only after it starts).
import { randomInt } from "node:crypto";
import { listeningAddresses } from "./listening-addresses.ts";

export class PodIpPool {
  readonly #base: number;
  readonly #size: number;
  readonly #used = new Map<string, number>();
  readonly #busy: () => ReadonlySet<string>;

  /**
   * Addresses from `first` (default 127.x.y.1, x.y a random block in 127.1.0.0–127.200.255.0) on, `size` of them
   * (default 65 000), skipping those `busy` returns (default: the addresses with a listening socket on this machine).
   */
  constructor(options: { first?: string; size?: number; busy?: () => ReadonlySet<string> } = {}) {
    this.#busy = options.busy ?? listeningAddresses;
    const parts = (options.first ?? randomFirst()).split(".").map(Number);
    this.#base = ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
    this.#size = options.size ?? 65_000;
  }

  /** The Pod's address (the same one again for the same uid). */
  allocate(uid: string): string {
    const existing = this.#used.get(uid);
    if (existing !== undefined) return this.#format(existing);
    const taken = new Set(this.#used.values());
    const busy = this.#busy();
    for (let offset = 0; offset < this.#size; offset++) {
      const address = this.#base + offset;
      if ((address & 0xff) === 0 || (address & 0xff) === 0xff || taken.has(address)) continue;
      if (busy.has(this.#format(address))) continue;
      this.#used.set(uid, address);
      return this.#format(address);
    }
    throw new Error(`devcluster's node has no free Pod IP left (${this.#size} in use); delete some Pods`);
  }

  release(uid: string): void {
    this.#used.delete(uid);
  }

  #format(address: number): string {
    return [address >>> 24, (address >>> 16) & 0xff, (address >>> 8) & 0xff, address & 0xff].join(".");
  }
}

function randomFirst(): string {
  const block = randomInt(200 * 256);
  return `127.${1 + (block >> 8)}.${block & 0xff}.1`;
}
