import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { listeningAddresses } from "./listening-addresses.ts";
import { PodIpPool } from "./pod-ip-pool.ts";

describe("PodIpPool with another devcluster on the machine", () => {
  it("skips addresses something already listens on", () => {
    const pool = new PodIpPool({ first: "127.1.0.1", busy: () => new Set(["127.1.0.1", "127.1.0.2"]) });
    expect(pool.allocate("a")).toBe("127.1.0.3");
  });

  it("finds a listener on a loopback address (what another devcluster's Pod holds)", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.1.200.7", resolve));
    try {
      expect(listeningAddresses().has("127.1.200.7")).toBe(process.platform === "linux");
      const pool = new PodIpPool({ first: "127.1.200.7" });
      expect(pool.allocate("b")).toBe(process.platform === "linux" ? "127.1.200.8" : "127.1.200.7");
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("starts each devcluster at its own random block, so two hand out different first addresses", () => {
    const firsts = new Set(Array.from({ length: 20 }, () => new PodIpPool({ busy: () => new Set() }).allocate("a")));
    expect(firsts.size).toBeGreaterThan(15);
    for (const address of firsts) expect(address).toMatch(/^127\.([1-9]|[1-9]\d|1\d\d|200)\.\d{1,3}\.1$/);
  });
});
