// Due times against the API server's time: a controller whose own clock runs 60 s ahead of the API server
// (and of the worker that wrote the sleep's due time) does not resume the sleep early when it reads time
// from a ServerClock fed by the API's Date headers.
import type { KubeConfig } from "@kubernetes/client-node";
import https from "node:https";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startController, type RunningController } from "../../controller/index.ts";
import { API_VERSION } from "../../crds/index.ts";
import { ManualClock } from "../../runtime/index.ts";
import { ServerClock } from "../../runtime/server-clock.ts";
import { executionBody, testCluster, waitFor, type TestCluster } from "../runtime/runtime-harness.ts";

let cluster: TestCluster;
let controller: RunningController | undefined;
beforeAll(async () => {
  cluster = await testCluster("skew");
});
afterAll(async () => {
  await controller?.stop();
});

/** One API response's Date header, timed on `local`. */
async function sample(kubeConfig: KubeConfig, clock: ServerClock): Promise<void> {
  const options: https.RequestOptions = {};
  await kubeConfig.applyToHTTPSOptions(options);
  const sentAt = clock.local.now();
  const date = await new Promise<string | undefined>((resolve, reject) => {
    https
      .get(new URL("/version", kubeConfig.getCurrentCluster()!.server), options, (response) => {
        response.resume();
        resolve(response.headers.date);
      })
      .on("error", reject);
  });
  clock.observe(date, sentAt, clock.local.now());
}

it(
  "a controller 60 s ahead of the API server resumes a 20 s sleep after 20 s of server time, not at " + "once",
  async () => {
    const local = new ManualClock(Date.now() + 60_000);
    const serverClock = new ServerClock({ local });
    await sample(cluster.kubeConfig, serverClock);
    expect(Math.abs(serverClock.now() - Date.now())).toBeLessThan(1_500);
    controller = await startController({
      kubeConfig: cluster.kubeConfig,
      namespace: cluster.namespace,
      clock: serverClock,
      log: () => {},
    });

    // A worker on the server's time parks the execution for 20 s.
    const until = new Date(serverClock.now() + 20_000).toISOString();
    const created = await cluster.resources.executions.create(
      cluster.namespace,
      executionBody(cluster.namespace, "sleeper", "sleepy", null),
    );
    await cluster.resources.suspensions.create(cluster.namespace, {
      apiVersion: API_VERSION,
      kind: "Suspension",
      metadata: { name: "sleeper", namespace: cluster.namespace },
      spec: { execution: "sleeper", reason: "Sleep", until },
    });
    await cluster.resources.executions.replaceStatus({ ...created, status: { phase: "Suspended", attempt: 1 } });
    expect(local.now(), "by the controller's own clock the sleep is long over").toBeGreaterThan(Date.parse(until));

    const phase = async () => (await cluster.resources.executions.get(cluster.namespace, "sleeper"))?.status?.phase;
    await local.advance(18_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await phase(), "18 s of 20: still parked").toBe("Suspended");
    await local.advance(3_000);
    await waitFor("the resume", phase, (p) => p === "Pending", 5_000);
  },
);
