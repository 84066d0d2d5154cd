// devcluster's node agent in both modes, through @kubernetes/client-node: a Deployment's Pod runs the
// image, gets its own loopback IP and a kubeconfig with its ServiceAccount's token, and a SIGKILLed
// container is restarted and Ready again.
import * as k8s from "@kubernetes/client-node";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevCluster } from "../../devcluster/index.ts";
import type { DevCluster } from "../../devcluster/index.ts";
import { callPod, webDeployment } from "../fixtures/devcluster-web-deployment.ts";
import { webImage } from "../fixtures/devcluster-web-image.ts";
import { dockerFixture } from "../fixtures/services.ts";
import type { DockerFixture } from "../fixtures/services.ts";
import { waitFor } from "../fixtures/wait-for.ts";

describe.each(["process", "docker"] as const)("the node agent in %s mode", (mode) => {
  let dataDir: string;
  let cluster: DevCluster;
  let core: k8s.CoreV1Api;
  let apps: k8s.AppsV1Api;
  let rbac: k8s.RbacAuthorizationV1Api;
  let engine: DockerFixture | undefined;
  const namespace = "default";
  const name = `web-${mode}`;

  beforeAll(async () => {
    engine = mode === "docker" ? await dockerFixture() : undefined;
    dataDir = mkdtempSync(join(tmpdir(), "kontinue-runner-"));
    cluster = await startDevCluster({
      dataDir,
      log: () => undefined,
      restartBackoffMillis: 100,
      ...(engine ? { dockerHost: `unix://${engine.socketPath}` } : { runner: "process" as const }),
    });
    const config = new k8s.KubeConfig();
    config.loadFromFile(cluster.kubeconfigPath);
    core = config.makeApiClient(k8s.CoreV1Api);
    apps = config.makeApiClient(k8s.AppsV1Api);
    rbac = config.makeApiClient(k8s.RbacAuthorizationV1Api);
    const { reference } = await webImage("v1");
    await apps.createNamespacedDeployment({
      namespace,
      body: webDeployment({ name, image: reference }) as k8s.V1Deployment,
    });
  });

  afterAll(async () => {
    await cluster?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function readyPod(restarts = 0): Promise<k8s.V1Pod> {
    return waitFor(
      `a Ready ${name} Pod with ${restarts} restarts`,
      async () => {
        const pods = await core.listNamespacedPod({ namespace, labelSelector: `app=${name}` });
        const pod = pods.items.find((candidate) => candidate.status?.containerStatuses?.[0]?.ready);
        return pod && pod.status?.containerStatuses?.[0]?.restartCount === restarts ? pod : undefined;
      },
      60_000,
      50,
    );
  }

  it("runs the Pod: Running and Ready, its own loopback IP, fieldRef env, status the kubelet way", async () => {
    const pod = await readyPod();
    expect(pod.spec?.nodeName).toBe("devcluster");
    expect(pod.status).toMatchObject({ phase: "Running", hostIP: "127.0.0.1" });
    expect(pod.status?.podIP).toMatch(/^127\.\d+\.\d+\.\d+$/);
    expect(pod.status?.conditions?.map((condition) => `${condition.type}=${condition.status}`).sort()).toEqual([
      "ContainersReady=True",
      "Initialized=True",
      "PodScheduled=True",
      "Ready=True",
    ]);
    const status = pod.status!.containerStatuses![0]!;
    expect(status.containerID).toMatch(mode === "docker" ? /^docker:\/\// : /^process:\/\//);
    expect(status.state?.running?.startedAt).toBeDefined();
    expect(JSON.parse(await callPod(pod.status!.podIP!))).toMatchObject({
      version: "v1",
      pod: pod.metadata!.name,
      namespace,
      ip: pod.status!.podIP,
    });
    const deployment = await waitFor("the Deployment's status", async () => {
      const live = await apps.readNamespacedDeployment({ namespace, name });
      return live.status?.availableReplicas === 1 ? live : undefined;
    });
    expect(deployment.status).toMatchObject({
      replicas: 1,
      readyReplicas: 1,
      updatedReplicas: 1,
      availableReplicas: 1,
    });
  });

  it("gives the container a kubeconfig for the Pod's ServiceAccount, authorized by RBAC", async () => {
    const pod = await readyPod();
    const path = `/kube?path=/api/v1/namespaces/${namespace}/pods/${pod.metadata!.name}`;
    const denied = JSON.parse(await callPod(pod.status!.podIP!, path)) as { code: number; body: string };
    expect(denied.code).toBe(403);
    expect(JSON.parse(denied.body).message).toBe(
      `pods "${pod.metadata!.name}" is forbidden: User "system:serviceaccount:${namespace}:default" cannot get ` +
        `resource "pods" in API group "" in the namespace "${namespace}"`,
    );
    expect((JSON.parse(await callPod(pod.status!.podIP!, "/kube?path=/version")) as { code: number }).code).toBe(200);
    const role = `read-pods-${mode}`;
    await rbac.createNamespacedRole({
      namespace,
      body: { metadata: { name: role }, rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }] },
    });
    await rbac.createNamespacedRoleBinding({
      namespace,
      body: {
        metadata: { name: role },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role },
        subjects: [{ kind: "ServiceAccount", name: "default", namespace }],
      },
    });
    expect((JSON.parse(await callPod(pod.status!.podIP!, path)) as { code: number }).code).toBe(200);
  });

  it(
    "reports an image that cannot be pulled: Pending, ErrImagePull then ImagePullBackOff, a Failed " + "event",
    async () => {
      const missing = `127.0.0.1:5000/kontinue-test/no-such-image-${mode}:v0`;
      await core.createNamespacedPod({
        namespace,
        body: { metadata: { name: `missing-${mode}` }, spec: { containers: [{ name: "app", image: missing }] } },
      });
      const waiting = await waitFor(
        "the image pull to back off",
        async () => {
          const pod = await core.readNamespacedPod({ namespace, name: `missing-${mode}` });
          const reason = pod.status?.containerStatuses?.[0]?.state?.waiting?.reason;
          return reason === "ImagePullBackOff" ? pod : undefined;
        },
        30_000,
        50,
      );
      expect(waiting.status?.phase).toBe("Pending");
      expect(waiting.status?.containerStatuses?.[0]?.state?.waiting?.message).toContain(
        `Failed to pull image "${missing}"`,
      );
      const events = await core.listNamespacedEvent({
        namespace,
        fieldSelector: `involvedObject.name=missing-${mode}`,
      });
      expect(events.items.map((event) => event.reason)).toEqual(
        expect.arrayContaining(["Scheduled", "Pulling", "Failed"]),
      );
      await core.deleteNamespacedPod({ namespace, name: `missing-${mode}` });
    },
  );

  it("restarts a SIGKILLed container and reports exit code 137 in lastState", async () => {
    const pod = await readyPod();
    const id = pod.status!.containerStatuses![0]!.containerID!;
    if (engine) await engine.docker.getContainer(id.replace("docker://", "")).kill({ signal: "SIGKILL" });
    else process.kill(Number(id.replace("process://", "")), "SIGKILL");
    const restarted = await readyPod(1);
    expect(restarted.metadata!.name).toBe(pod.metadata!.name);
    expect(restarted.status!.containerStatuses![0]!.lastState?.terminated).toMatchObject({ exitCode: 137 });
    expect(restarted.status!.podIP).toBe(pod.status!.podIP);
  });

  // Regression (CI hang): the kubelet's "Killing" Event could not be written in a terminating namespace, and that
  // error stopped the Pod's containers from being signalled; they ran on, the namespace never went, and
  // devcluster's close never ended.
  it("stops and removes the Pods of a deleted namespace, which takes no more Events", async () => {
    const doomed = `doomed-${mode}`;
    await core.createNamespace({ body: { metadata: { name: doomed } } });
    const { reference } = await webImage("v1");
    await apps.createNamespacedDeployment({
      namespace: doomed,
      body: webDeployment({ name, image: reference, terminationGracePeriodSeconds: 2 }) as k8s.V1Deployment,
    });
    const pod = await waitFor(
      "the doomed namespace's Pod Ready",
      async () =>
        (await core.listNamespacedPod({ namespace: doomed })).items.find(
          (candidate) => candidate.status?.containerStatuses?.[0]?.ready,
        ),
      60_000,
      50,
    );
    const id = pod.status!.containerStatuses![0]!.containerID!;
    await core.deleteNamespace({ name: doomed });
    await waitFor(
      "the namespace to be gone",
      async () => !(await core.listNamespace()).items.some((namespace) => namespace.metadata?.name === doomed),
      30_000,
      100,
    );
    if (engine) {
      const container = await engine.docker
        .getContainer(id.replace("docker://", ""))
        .inspect()
        .catch(() => undefined);
      expect(container?.State.Running ?? false).toBe(false);
    } else {
      expect(() => process.kill(Number(id.replace("process://", "")), 0)).toThrow();
    }
  });
});
