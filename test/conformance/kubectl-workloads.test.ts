// Real kubectl against devcluster's local runner (process mode): Deployments get ReplicaSets and Pods
// that really run the image, as `get deploy,rs,pods`, `rollout status`, `scale`, `logs -f`, `delete pod`
// and a crash show them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveDevCluster } from "../fixtures/devcluster-fixture.ts";
import type { ServedDevCluster } from "../fixtures/devcluster-fixture.ts";
import { callPod, webDeployment } from "../fixtures/devcluster-web-deployment.ts";
import { webImage } from "../fixtures/devcluster-web-image.ts";
import { Kubectl } from "../fixtures/kubectl.ts";
import { waitFor } from "../fixtures/wait-for.ts";

let cluster: ServedDevCluster;
let kubectl: Kubectl;
let v1: string;
let v2: string;

interface PodView {
  metadata: {
    name: string;
    labels: Record<string, string>;
    ownerReferences: { kind: string; name: string }[];
    deletionTimestamp?: string;
  };
  spec: { nodeName?: string };
  status: {
    phase: string;
    podIP?: string;
    containerStatuses?: { restartCount: number; ready: boolean; lastState: { terminated?: { exitCode: number } } }[];
  };
}

async function pods(selector = "app=web"): Promise<PodView[]> {
  return (JSON.parse(await kubectl.ok(["get", "pods", "-l", selector, "-o", "json"])) as { items: PodView[] }).items;
}

async function runningPods(count: number): Promise<PodView[]> {
  return waitFor(
    `${count} ready web Pods`,
    async () => {
      const live = (await pods()).filter((pod) => !pod.metadata.deletionTimestamp);
      return live.length === count && live.every((pod) => pod.status.containerStatuses?.[0]?.ready) ? live : undefined;
    },
    30_000,
    100,
  );
}

beforeAll(async () => {
  [cluster, { reference: v1 }, { reference: v2 }] = await Promise.all([
    serveDevCluster({ extraArgs: ["--restart-backoff", "0.2"] }),
    webImage("v1"),
    webImage("v2"),
  ]);
  kubectl = new Kubectl(cluster.kubeconfigPath);
  await kubectl.ok(["apply", "-f", "-"], { input: JSON.stringify(webDeployment({ image: v1, replicas: 2 })) });
});

afterAll(async () => {
  kubectl?.dispose();
  await cluster?.stop();
});

describe("kubectl with devcluster's local runner", () => {
  it("rolls a Deployment out: rollout status returns, get deploy,rs,pods shows it running", async () => {
    const rollout = await kubectl.ok(["rollout", "status", "deploy/web", "--timeout=60s"]);
    expect(rollout).toContain('deployment "web" successfully rolled out');
    const table = await kubectl.ok(["get", "deploy,rs,pods", "-o", "wide"]);
    expect(table).toMatch(/deployment\.apps\/web\s+2\/2\s+2\s+2\s/);
    expect(table).toMatch(/replicaset\.apps\/web-[a-z0-9]+\s+2\s+2\s+2\s/);
    expect(table).toMatch(
      /pod\/web-[a-z0-9]+-[a-z0-9]{5}\s+1\/1\s+Running\s+0\s+\S+\s+127\.\d+\.\d+\.\d+\s+devcluster/,
    );
    const live = await pods();
    const hash = live[0]!.metadata.labels["pod-template-hash"];
    expect(live[0]!.metadata.ownerReferences[0]).toMatchObject({ kind: "ReplicaSet", name: `web-${hash}` });
    expect(new Set(live.map((pod) => pod.status.podIP)).size).toBe(2);
    const answer = JSON.parse(await callPod(live[0]!.status.podIP!)) as { pod: string; version: string };
    expect(answer).toMatchObject({ pod: live[0]!.metadata.name, version: "v1" });
    expect(
      await kubectl.ok([
        "get",
        "deploy",
        "web",
        "-o",
        "jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}",
      ]),
    ).toBe("1");
  });

  it("kubectl scale adds and removes Pods, with ScalingReplicaSet events", async () => {
    await kubectl.ok(["scale", "deploy/web", "--replicas=3"]);
    await kubectl.ok(["rollout", "status", "deploy/web", "--timeout=60s"]);
    await runningPods(3);
    await kubectl.ok(["scale", "deploy/web", "--replicas=2"]);
    await waitFor("2 web Pods", async () => (await pods()).length === 2 || undefined, 30_000, 100);
    const events = await kubectl.ok(["get", "events", "--field-selector", "involvedObject.kind=Deployment"]);
    expect(events).toMatch(/ScalingReplicaSet\s+deployment\/web\s+Scaled up replica set web-\S+ from 2 to 3/);
    expect(events).toMatch(/Scaled down replica set web-\S+ from 3 to 2/);
  });

  it(
    "kubectl logs -f follows a container until kubectl delete pod stops it gracefully, and the Pod is " + "replaced",
    async () => {
      const [pod] = await runningPods(2);
      const follow = kubectl.start(["logs", "-f", pod!.metadata.name]);
      await follow.waitFor(/listening on 127\.\d+\.\d+\.\d+:8080 version v1/);
      await kubectl.ok(["delete", "pod", pod!.metadata.name]);
      await follow.waitFor(/SIGTERM received/);
      await follow.exited;
      const replaced = await runningPods(2);
      expect(replaced.map((p) => p.metadata.name)).not.toContain(pod!.metadata.name);
    },
  );

  it("restarts a crashed container with backoff and shows its previous run", async () => {
    const [pod] = await runningPods(2);
    await callPod(pod!.status.podIP!, "/crash");
    const restarted = await waitFor(
      "the container restarted and Ready",
      async () => {
        const live = (await pods()).find((p) => p.metadata.name === pod!.metadata.name);
        const status = live?.status.containerStatuses?.[0];
        return status && status.restartCount === 1 && status.ready ? status : undefined;
      },
      30_000,
      100,
    );
    expect(restarted.lastState.terminated?.exitCode).toBe(3);
    expect(await kubectl.ok(["logs", pod!.metadata.name, "--previous"])).toContain("crashing");
    expect(await kubectl.ok(["get", "pod", pod!.metadata.name])).toMatch(/1\/1\s+Running\s+1 \(\d+s ago\)/);
    const events = await kubectl.ok(["get", "events", "--field-selector", `involvedObject.name=${pod!.metadata.name}`]);
    expect(events).toMatch(/BackOff/);
  });

  it("rolls a new image out (kubectl set image): a second ReplicaSet, revision 2, the old one at 0", async () => {
    await kubectl.ok(["set", "image", "deploy/web", `web=${v2}`]);
    await kubectl.ok(["rollout", "status", "deploy/web", "--timeout=60s"]);
    const live = await runningPods(2);
    for (const pod of live) expect(JSON.parse(await callPod(pod.status.podIP!))).toMatchObject({ version: "v2" });
    const sets = await kubectl.ok([
      "get",
      "rs",
      "-o",
      "jsonpath={range .items[*]}{.metadata.annotations.deployment\\.kubernetes\\.io/revision}={.spec.replicas} {end}",
    ]);
    expect(sets.trim().split(" ").sort()).toEqual(["1=0", "2=2"]);
    expect(await kubectl.ok(["rollout", "history", "deploy/web"])).toMatch(/1\s.*\n2\s/);
  });
});
