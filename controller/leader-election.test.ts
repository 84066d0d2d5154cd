import { describe, expect, it } from "vitest";
import { KubeApiError, ManualClock, type KubeHttp, type KubeRequest } from "../runtime/index.ts";
import { startLeaderElection, type LeaseObject } from "./leader-election.ts";

/** One Lease behind a KubeHttp, with resourceVersion checks as the API server makes them. */
function leaseServer(initial?: LeaseObject["spec"]): {
  http: KubeHttp;
  lease(): LeaseObject | undefined;
  down(value: boolean): void;
} {
  let stored: LeaseObject | undefined =
    initial === undefined
      ? undefined
      : {
          apiVersion: "coordination.k8s.io/v1",
          kind: "Lease",
          metadata: { name: "kontinue-controller", namespace: "ns", resourceVersion: "1" },
          spec: initial,
        };
  let version = 1;
  let unreachable = false;
  const fail = (request: KubeRequest, status: number) =>
    Promise.reject(new KubeApiError(request, status, status === 404 ? "NotFound" : "Conflict", "test"));
  const http: KubeHttp = async (request) => {
    if (unreachable) throw Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    const body = structuredClone(request.body) as LeaseObject;
    switch (request.method) {
      case "GET":
        return stored === undefined ? fail(request, 404) : structuredClone(stored);
      case "POST":
        if (stored !== undefined) return fail(request, 409);
        stored = { ...body, metadata: { ...body.metadata, resourceVersion: String(++version) } };
        return structuredClone(stored);
      case "PUT":
        if (stored === undefined) return fail(request, 404);
        if (body.metadata.resourceVersion !== stored.metadata.resourceVersion) return fail(request, 409);
        stored = { ...body, metadata: { ...body.metadata, resourceVersion: String(++version) } };
        return structuredClone(stored);
      default:
        throw new Error(`unexpected ${request.method}`);
    }
  };
  return { http, lease: () => stored, down: (value) => void (unreachable = value) };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));
async function advance(clock: ManualClock, ms: number, step = 100): Promise<void> {
  for (let passed = 0; passed < ms; passed += step) {
    await clock.advance(step);
    for (let i = 0; i < 5; i++) await settle();
  }
}

describe("startLeaderElection", () => {
  it("takes a free Lease at once and renews it every renewPeriod", async () => {
    const clock = new ManualClock();
    const server = leaseServer();
    let started = 0;
    const elector = await startLeaderElection(
      { http: server.http, namespace: "ns", identity: "a", clock, log: () => {} },
      async () => {
        started++;
        return { stop: async () => {} };
      },
    );
    expect(elector.isLeader()).toBe(true);
    expect(started).toBe(1);
    expect(server.lease()?.spec).toMatchObject({ holderIdentity: "a", leaseDurationSeconds: 15, leaseTransitions: 0 });
    const renewed = server.lease()?.spec?.renewTime;
    await advance(clock, 5_000);
    expect(server.lease()?.spec?.renewTime).not.toBe(renewed);
    await elector.stop();
    expect(server.lease()?.spec?.holderIdentity).toBe("");
  });

  it(
    "a standby waits a full lease duration by its own clock from when it saw the record, however old its renewTime " +
      "says it is",
    async () => {
      const clock = new ManualClock();
      // Written by a leader whose clock is an hour behind: by timestamps it expired long ago.
      const server = leaseServer({
        holderIdentity: "old",
        leaseDurationSeconds: 15,
        renewTime: "2025-12-31T23:00:00.000000Z",
        leaseTransitions: 3,
      });
      const elector = await startLeaderElection(
        { http: server.http, namespace: "ns", identity: "b", clock, log: () => {} },
        async () => ({ stop: async () => {} }),
      );
      expect(elector.isLeader()).toBe(false);
      await advance(clock, 14_000);
      expect(elector.isLeader()).toBe(false);
      await advance(clock, 3_000);
      expect(elector.isLeader()).toBe(true);
      expect(server.lease()?.spec).toMatchObject({ holderIdentity: "b", leaseTransitions: 4 });
      await elector.stop();
    },
  );

  it(
    "a leader that cannot renew stops acting within renewDeadline, before the lease could pass to " + "another",
    async () => {
      const clock = new ManualClock();
      const server = leaseServer();
      let stopped = 0;
      const elector = await startLeaderElection(
        { http: server.http, namespace: "ns", identity: "a", clock, log: () => {} },
        async () => ({ stop: async () => void stopped++ }),
      );
      server.down(true);
      await advance(clock, 9_000);
      expect(elector.isLeader()).toBe(true);
      await advance(clock, 6_500);
      expect(elector.isLeader()).toBe(false);
      expect(stopped).toBe(1);
      await elector.stop();
    },
  );
});
