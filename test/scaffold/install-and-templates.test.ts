// `kontinue install --registry <loopback>` on a devcluster that runs Pods as processes and enforces RBAC for
// ServiceAccounts: the controller runs from the image Kontinue's builder made, under the installed ServiceAccount's
// token, and drives every template — scaffolded by `kontinue new`, built by the builder, applied as Functions — to
// completion through Function → Deployment → Pod. A permission the controller lacks shows as a 403 in its log.
import * as k8s from "@kubernetes/client-node";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BuildCache,
  buildFunctions,
  functionManifest,
  parsePushTarget,
  RegistryClient,
  RegistryPublisher,
} from "../../builder/index.ts";
import { applyObjects } from "../../cli/apply-objects.ts";
import { scaffoldFunction } from "../../cli/new-function.ts";
import {
  API_VERSION,
  CONTROLLER_NAME,
  GROUP,
  PLURALS,
  VERSION,
  toResourceName,
  type Execution,
} from "../../crds/index.ts";
import { startDevCluster, type DevCluster } from "../../devcluster/index.ts";
import { createKubeHttp, kontinueResources, sendSignal } from "../../runtime/index.ts";
import { TEMPLATES } from "../../templates/index.ts";
import { nodeBaseImage } from "../fixtures/node-base-image.ts";
import { registryFixture } from "../fixtures/services.ts";
import { removeTemporaryDirs, temporaryDir } from "../fixtures/temporary-dirs.ts";
import { waitFor } from "../fixtures/wait-for.ts";
import { runCli } from "./run-cli.ts";

const installNamespace = "kontinue-system";
const namespace = "default";
/** The function each template is scaffolded as: a new name, so the renaming is exercised too. */
const names: Record<string, string> = {
  basic: "scaffoldBasic",
  sleep: "scaffoldSleep",
  fanout: "scaffoldFanout",
  poll: "scaffoldPoll",
  signal: "scaffoldSignal",
  scheduled: "scaffoldScheduled",
};

describe("kontinue install, then every template on the installed controller", () => {
  let cluster: DevCluster;
  let kubeConfig: k8s.KubeConfig;
  let custom: k8s.CustomObjectsApi;
  let base: string;
  let registry: string;
  let prefix: string;
  let ready: Server;
  let readyChecks = 0;

  beforeAll(async () => {
    [{ registry }, { reference: base }] = await Promise.all([registryFixture(), nodeBaseImage()]);
    prefix = `scaffold-${Date.now().toString(36)}`;
    cluster = await startDevCluster({
      dataDir: await temporaryDir("scaffold-cluster"),
      runner: "process",
      restartBackoffMillis: 200,
      maxRestartBackoffMillis: 2000,
      log: () => undefined,
    });
    kubeConfig = new k8s.KubeConfig();
    kubeConfig.loadFromFile(cluster.kubeconfigPath);
    custom = kubeConfig.makeApiClient(k8s.CustomObjectsApi);
    // What the poll template waits for: a URL that answers 503 twice, then 200.
    ready = createServer((_request, response) => {
      readyChecks++;
      response.writeHead(readyChecks > 2 ? 200 : 503).end();
    });
    await new Promise<void>((resolve) => ready.listen(0, "127.0.0.1", resolve));
  });

  afterAll(async () => {
    ready?.close();
    await cluster?.close();
    await removeTemporaryDirs();
  });

  it("installs the CRDs, RBAC and the controller, its image built and pushed to the loopback registry", async () => {
    const result = await runCli([
      "install",
      "--registry",
      `${registry}/${prefix}`,
      "--base",
      base,
      "--insecure-registry",
      "--kubeconfig",
      cluster.kubeconfigPath,
      "--timeout",
      "240",
    ]);
    expect(result.stderr).toContain("the controller is running");
    expect(result.code).toBe(0);
    const apps = kubeConfig.makeApiClient(k8s.AppsV1Api);
    const deployment = await apps.readNamespacedDeployment({ name: CONTROLLER_NAME, namespace: installNamespace });
    expect(deployment.status?.availableReplicas).toBe(1);
    expect(deployment.spec?.template.spec?.containers[0]?.image).toMatch(
      new RegExp(`^${registry}/${prefix}/controller@sha256:[a-f0-9]{64}$`),
    );
    const pod = await controllerPod();
    expect(pod.spec?.serviceAccountName).toBe(CONTROLLER_NAME);
  }, 300_000);

  it("runs every template's executions to completion, with no request of the controller forbidden", async () => {
    const dir = await temporaryDir("scaffold-functions");
    for (const template of TEMPLATES)
      await scaffoldFunction({ name: names[template.name], template: template.name, dir: "functions", cwd: dir });
    const functions = join(dir, "functions");
    const target = parsePushTarget(`${registry}/${prefix}`);
    const built = await buildFunctions({
      dir: functions,
      base,
      target,
      insecureRegistry: true,
      cache: new BuildCache({ dir: await temporaryDir("scaffold-cache") }),
      publishers: [new RegistryPublisher({ client: new RegistryClient({ registry, insecure: true }), target })],
    });
    expect(built.map((b) => b.source.functionName).sort()).toEqual(
      ["scaffoldFanoutItem", ...Object.values(names)].sort(),
    );
    await applyObjects(
      kubeConfig,
      built.map((b) => {
        const manifest = functionManifest({
          functionName: b.source.functionName,
          resourceName: b.source.resourceName,
          image: b.reference,
          settings: b.settings,
        });
        return { ...manifest, metadata: { ...manifest.metadata, namespace } } as k8s.KubernetesObject;
      }),
    );

    const url = `http://127.0.0.1:${(ready.address() as AddressInfo).port}/ready`;
    const started = {
      basic: await createExecution("basic", { name: "Ada" }),
      sleep: await createExecution("sleep", { to: "ada@example.com", delay: "3s" }),
      fanout: await createExecution("fanout", { items: [1, 2, 3] }),
      poll: await createExecution("poll", { url, every: "1s", timeout: "2m" }),
      signal: await createExecution("signal", { request: "deploy v2" }),
      scheduled: await createExecution("scheduled", { report: "weekly" }),
    };
    await waitFor(
      "the signal template's execution to wait for its signal",
      async () => ((await getExecution(started.signal)).status?.phase === "Suspended" ? true : undefined),
      180_000,
      250,
    );
    const { executions } = kontinueResources(createKubeHttp(kubeConfig));
    await sendSignal({
      executions,
      namespace,
      execution: started.signal,
      name: "approval",
      payload: { approved: true, by: "ada" },
    });

    // The schedule as the template writes it is accepted; then it is made due every 3 seconds to see a run.
    const scheduleText = await readFile(join(functions, "scaffoldScheduled.schedule.yaml"), "utf8");
    const schedule = parse(scheduleText) as k8s.KubernetesObject & { spec: Record<string, unknown> };
    expect(schedule.metadata?.name).toBe("scaffold-scheduled");
    expect(schedule.spec.function).toBe("scaffoldScheduled");
    const due: k8s.KubernetesObject = {
      ...schedule,
      metadata: { ...schedule.metadata, namespace },
      spec: { ...schedule.spec, schedule: "*/3 * * * * *" },
    } as k8s.KubernetesObject;
    await applyObjects(kubeConfig, [due]);

    const results = Object.fromEntries(
      await Promise.all(
        Object.entries(started).map(async ([template, name]) => [template, await completed(name)] as const),
      ),
    );
    expect(results.basic).toEqual({ greeting: "Hello, Ada!" });
    expect(results.sleep).toMatchObject({ to: "ada@example.com" });
    expect(results.fanout).toEqual({ count: 3, total: 14 });
    expect(results.poll).toMatchObject({ url, status: 200 });
    expect(readyChecks).toBeGreaterThanOrEqual(3);
    expect(results.signal).toMatchObject({ outcome: "approved", by: "ada" });
    expect(results.scheduled).toMatchObject({ summary: expect.stringContaining("1 row(s)") });

    const scheduledRun = await waitFor(
      "an execution the ScheduledExecution started to complete",
      async () => {
        const list = (await custom.listNamespacedCustomObject({
          group: GROUP,
          version: VERSION,
          namespace,
          plural: PLURALS.executions,
          labelSelector: "kontinue.cloud/scheduled-execution=scaffold-scheduled",
        })) as { items: Execution[] };
        return list.items.find((execution) => execution.status?.phase === "Completed");
      },
      120_000,
      500,
    );
    expect(scheduledRun.spec.arguments).toEqual({ report: "nightly" });
    expect(scheduledRun.status?.result).toMatchObject({ summary: expect.stringContaining("1 row(s)") });

    const core = kubeConfig.makeApiClient(k8s.CoreV1Api);
    const log = await core.readNamespacedPodLog({
      name: (await controllerPod()).metadata!.name!,
      namespace: installNamespace,
    });
    expect(log).not.toMatch(/forbidden|not visible/i);
  }, 480_000);

  async function controllerPod(): Promise<k8s.V1Pod> {
    const core = kubeConfig.makeApiClient(k8s.CoreV1Api);
    const pods = await core.listNamespacedPod({
      namespace: installNamespace,
      labelSelector: `app.kubernetes.io/name=${CONTROLLER_NAME}`,
    });
    const pod = pods.items.find((candidate) => candidate.status?.phase === "Running");
    if (pod === undefined) throw new Error(`no Running controller Pod among ${pods.items.length}`);
    return pod;
  }

  async function createExecution(template: string, args: unknown): Promise<string> {
    const created = (await custom.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace,
      plural: PLURALS.executions,
      body: {
        apiVersion: API_VERSION,
        kind: "Execution",
        metadata: { generateName: `${template}-` },
        spec: { function: names[template], arguments: args },
      },
    })) as Execution;
    return created.metadata.name!;
  }

  async function getExecution(name: string): Promise<Execution> {
    return (await custom.getNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace,
      plural: PLURALS.executions,
      name,
    })) as Execution;
  }

  async function completed(name: string): Promise<unknown> {
    const execution = await waitFor(
      `execution "${name}" to finish`,
      async () => {
        const current = await getExecution(name);
        return ["Completed", "Failed", "Cancelled"].includes(current.status?.phase ?? "") ? current : undefined;
      },
      240_000,
      250,
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}\n${await diagnose(name)}`);
    });
    expect({ name, phase: execution.status?.phase, error: execution.status?.error }).toEqual({
      name,
      phase: "Completed",
      error: undefined,
    });
    return execution.status?.result;
  }

  /** Where an execution stands and what its Function's Pods printed, for a failure message. */
  async function diagnose(name: string): Promise<string> {
    const execution = await getExecution(name);
    const core = kubeConfig.makeApiClient(k8s.CoreV1Api);
    const pods = await core.listNamespacedPod({ namespace });
    const lines = [`status: ${JSON.stringify(execution.status)}`];
    for (const pod of pods.items) {
      if (!pod.metadata?.name?.startsWith(toResourceName(execution.spec.function))) continue;
      const log = await core.readNamespacedPodLog({ name: pod.metadata.name, namespace }).catch(String);
      lines.push(`pod ${pod.metadata.name} ${pod.status?.phase}:\n${log.slice(-2000)}`);
    }
    return lines.join("\n");
  }
});
