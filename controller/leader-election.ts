// Leader election on a coordination.k8s.io/v1 Lease, as client-go does it: the leader renews the Lease
// every renewPeriod and stops acting when it could not renew for renewDeadline (shorter than the lease);
// a standby takes the Lease once it has seen no renewal for leaseDuration by its own clock (the observed
// time, so skewed clocks cannot steal a live lease). Only the leader runs the controller.
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import { ResourceClient, apiStatus, type Clock, type KubeHttp } from "../runtime/index.ts";

export interface LeaseObject {
  apiVersion: "coordination.k8s.io/v1";
  kind: "Lease";
  metadata: { name?: string; namespace?: string; resourceVersion?: string };
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

export interface LeaderElectionOptions {
  http: KubeHttp;
  /** The Lease's namespace: the controller's own. */
  namespace: string;
  /** Default `kontinue-controller`. */
  leaseName?: string;
  /** Who holds the Lease; default `<hostname>_<uuid>` as client-go. */
  identity?: string;
  clock: Clock;
  /** Default 15 s. */
  leaseDurationMs?: number;
  /** The leader gives up when it could not renew for this long; default 10 s. */
  renewDeadlineMs?: number;
  /** The leader renews this often; default 5 s. */
  renewPeriodMs?: number;
  /** A standby (or a failing renewal) tries this often; default 2 s. */
  retryPeriodMs?: number;
  log: (line: string) => void;
}

export const DEFAULT_LEASE_NAME = "kontinue-controller";

/** What runs while leading; stopped when leadership is lost or the elector stops. */
export interface Led {
  stop(): Promise<void>;
}

export interface LeaderElector {
  readonly identity: string;
  isLeader(): boolean;
  /** Stops acting, then hands the Lease back so a standby takes over at once. */
  stop(): Promise<void>;
}

/** Kubernetes MicroTime. */
const microTime = (ms: number) => new Date(ms).toISOString().replace(/Z$/, "000Z");

/**
 * Campaigns for the Lease and runs `lead()` while holding it. Resolves after the first attempt — with
 * `lead()` started when that attempt won — so a free Lease means a running controller on return.
 */
export async function startLeaderElection(
  options: LeaderElectionOptions,
  lead: () => Promise<Led>,
): Promise<LeaderElector> {
  const leaseDurationMs = options.leaseDurationMs ?? 15_000;
  const renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
  const renewPeriodMs = options.renewPeriodMs ?? 5_000;
  const retryPeriodMs = options.retryPeriodMs ?? 2_000;
  const identity = options.identity ?? `${hostname()}_${randomUUID()}`;
  const name = options.leaseName ?? DEFAULT_LEASE_NAME;
  const { clock, namespace } = options;
  const leases = new ResourceClient<LeaseObject>(options.http, "leases", "/apis/coordination.k8s.io/v1");
  const stopping = new AbortController();
  let observed: { record: string; at: number } | undefined;
  let led: Led | undefined;
  let lastRenewal = -Infinity;
  const info = (line: string) => options.log(`${new Date(clock.now()).toISOString()} info ${line}`);

  /** One try to take or keep the Lease: held by this elector now, held by another, or not known (error). */
  const tryAcquireOrRenew = async (): Promise<"held" | "other" | "failed"> => {
    const now = clock.now();
    const spec = {
      holderIdentity: identity,
      leaseDurationSeconds: Math.ceil(leaseDurationMs / 1000),
      acquireTime: microTime(now),
      renewTime: microTime(now),
      leaseTransitions: 0,
    };
    try {
      const current = await leases.get(namespace, name);
      if (current === undefined) {
        await leases.create(namespace, {
          apiVersion: "coordination.k8s.io/v1",
          kind: "Lease",
          metadata: { name, namespace },
          spec,
        });
        return "held";
      }
      const record = JSON.stringify(current.spec ?? {});
      if (observed?.record !== record) observed = { record, at: now };
      const holder = current.spec?.holderIdentity;
      const duration = (current.spec?.leaseDurationSeconds ?? Math.ceil(leaseDurationMs / 1000)) * 1000;
      if (holder && holder !== identity && observed.at + duration > now) return "other";
      const mine = holder === identity;
      const next = {
        ...spec,
        acquireTime: mine ? (current.spec?.acquireTime ?? spec.acquireTime) : spec.acquireTime,
        leaseTransitions: (current.spec?.leaseTransitions ?? 0) + (mine ? 0 : 1),
      };
      const written = await leases.replace({ ...current, spec: next });
      observed = { record: JSON.stringify(written.spec ?? {}), at: now };
      return "held";
    } catch (error) {
      if (apiStatus(error) !== 409)
        options.log(
          `${new Date(now).toISOString()} warn leader election on Lease ` +
            `"${namespace}/${name}": ${(error as Error).message}`,
        );
      return "failed";
    }
  };

  const sleep = (ms: number) =>
    clock.sleep(ms, stopping.signal).then(
      () => true,
      () => false,
    );

  const startLeading = async (): Promise<void> => {
    lastRenewal = clock.now();
    info(`"${identity}" leads (Lease "${namespace}/${name}"); starting the reconcilers`);
    led = await lead();
  };

  const stopLeading = async (why: string): Promise<void> => {
    const running = led;
    led = undefined;
    lastRenewal = -Infinity;
    info(`"${identity}" stops leading: ${why}`);
    await running?.stop();
  };

  /** Renews while leading; returns when leadership is lost or the elector stops. */
  const keepLeading = async (): Promise<void> => {
    while (await sleep(renewPeriodMs)) {
      for (let outcome = await tryAcquireOrRenew(); outcome !== "held"; outcome = await tryAcquireOrRenew()) {
        if (outcome === "other") return stopLeading("another controller holds the Lease");
        if (clock.now() - lastRenewal >= renewDeadlineMs)
          return stopLeading(`could not renew the Lease for ${renewDeadlineMs} ms`);
        if (!(await sleep(retryPeriodMs))) return;
      }
      lastRenewal = clock.now();
    }
  };

  const campaign = async (): Promise<void> => {
    while (!stopping.signal.aborted) {
      if (led === undefined) {
        if (!(await sleep(retryPeriodMs))) return;
        if ((await tryAcquireOrRenew()) !== "held" || stopping.signal.aborted) continue;
        await startLeading();
      }
      await keepLeading();
    }
  };

  if ((await tryAcquireOrRenew()) === "held") await startLeading();
  else info(`"${identity}" is on standby: Lease "${namespace}/${name}" is held by another controller`);
  const loop = campaign();

  return {
    identity,
    isLeader: () => led !== undefined && clock.now() - lastRenewal < renewDeadlineMs,
    async stop() {
      stopping.abort();
      await loop;
      if (led === undefined) return;
      await stopLeading("stopped");
      await release();
    },
  };

  async function release(): Promise<void> {
    try {
      const current = await leases.get(namespace, name);
      if (current?.spec?.holderIdentity !== identity) return;
      await leases.replace({
        ...current,
        spec: { ...current.spec, holderIdentity: "", leaseDurationSeconds: 1, renewTime: microTime(clock.now()) },
      });
    } catch (error) {
      options.log(
        `${new Date(clock.now()).toISOString()} warn cannot release Lease ` +
          `"${namespace}/${name}": ${(error as Error).message}`,
      );
    }
  }
}
