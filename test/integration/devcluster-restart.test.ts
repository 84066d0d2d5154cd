// devcluster's own guarantees, each test on its own devcluster instance (so this suite runs the same
// with or without KONTINUE_TEST_KUBECONFIG): restart keeps state and watches resume, a too-old
// resourceVersion is 410 and informers relist, kill -9 loses no acknowledged write.
import * as k8s from "@kubernetes/client-node";
import { existsSync, rmSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { applyCrds, loadKubeConfig, serveDevCluster, temporaryDataDir } from "../fixtures/devcluster-fixture.ts";
import type { ServedDevCluster } from "../fixtures/devcluster-fixture.ts";
import { waitFor } from "../fixtures/wait-for.ts";

const group = "kontinue.cloud";
const version = "v1alpha1";
const plural = "executions";
const namespace = "default";
const path = `/apis/${group}/${version}/namespaces/${namespace}/${plural}`;

interface Execution extends k8s.KubernetesObject {
  spec: { function: string };
}

const running: ServedDevCluster[] = [];
const dataDirs: string[] = [];

afterEach(async () => {
  for (const cluster of running.splice(0)) await cluster.kill();
  for (const dir of dataDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function serve(
  options: { dataDir?: string; port?: number; watchHistorySeconds?: number } = {},
): Promise<ServedDevCluster> {
  const dataDir = options.dataDir ?? temporaryDataDir();
  if (!options.dataDir) dataDirs.push(dataDir);
  const cluster = await serveDevCluster({ ...options, dataDir });
  running.push(cluster);
  return cluster;
}

async function stop(cluster: ServedDevCluster): Promise<void> {
  running.splice(running.indexOf(cluster), 1);
  await cluster.stop();
}

function clients(cluster: ServedDevCluster) {
  const config = loadKubeConfig(cluster.kubeconfigPath);
  const custom = config.makeApiClient(k8s.CustomObjectsApi);
  return {
    config,
    custom,
    create: (name: string) =>
      custom.createNamespacedCustomObject({
        group,
        version,
        namespace,
        plural,
        body: {
          apiVersion: `${group}/${version}`,
          kind: "Execution",
          metadata: { name },
          spec: { function: "processOrder" },
        },
      }) as Promise<Execution>,
    get: (name: string) =>
      custom.getNamespacedCustomObject({ group, version, namespace, plural, name }) as Promise<Execution>,
    list: () =>
      custom.listNamespacedCustomObject({ group, version, namespace, plural }) as Promise<
        k8s.KubernetesListObject<Execution>
      >,
  };
}

/** An informer restarted with backoff after every error, as workers run theirs. */
function resilientInformer(config: k8s.KubeConfig, list: () => Promise<k8s.KubernetesListObject<Execution>>) {
  const informer = k8s.makeInformer<Execution>(config, path, list);
  const events: string[] = [];
  let errors = 0;
  let stopped = false;
  informer.on("add", (object) => events.push(`add ${object.metadata?.name}`));
  informer.on("update", (object) => events.push(`update ${object.metadata?.name}`));
  informer.on("delete", (object) => events.push(`delete ${object.metadata?.name}`));
  informer.on("error", () => {
    errors += 1;
    if (!stopped) setTimeout(() => void informer.start().catch(() => undefined), 200);
  });
  return {
    informer,
    events,
    errors: () => errors,
    start: () => informer.start(),
    async stop() {
      stopped = true;
      await informer.stop();
    },
  };
}

describe("devcluster restart", () => {
  it("keeps objects with their resourceVersion, uid and generation, and informers resume after it", async () => {
    const first = await serve();
    await applyCrds(first.kubeconfigPath);
    const before = clients(first);
    const created = await before.create("survivor");
    const watcher = resilientInformer(before.config, before.list);
    await watcher.start();
    await waitFor("the informer's initial list", () => watcher.events.includes("add survivor"));

    await stop(first);
    expect(first.child.exitCode, "SIGTERM stops devcluster cleanly").toBe(0);
    await waitFor("the informer to notice the restart", () => watcher.errors() > 0);
    const second = await serve({ dataDir: first.dataDir, port: first.port });
    const after = clients(second);
    const reread = await after.get("survivor");
    expect(reread.metadata).toMatchObject({
      uid: created.metadata?.uid,
      resourceVersion: created.metadata?.resourceVersion,
      generation: 1,
    });

    await after.create("newcomer");
    try {
      await waitFor("the informer to resume and see the create", () => watcher.events.includes("add newcomer"), 15_000);
      expect(watcher.events.filter((event) => event === "add survivor")).toHaveLength(1);
      expect(
        watcher.informer
          .list()
          .map((object) => object.metadata?.name)
          .sort(),
      ).toEqual(["newcomer", "survivor"]);
    } finally {
      await watcher.stop();
    }
    dataDirs.push(first.dataDir);
  });

  it("resumes a watch from a resourceVersion taken before the restart", async () => {
    const first = await serve();
    await applyCrds(first.kubeconfigPath);
    const before = clients(first);
    const revision = (await before.list()).metadata?.resourceVersion;
    await before.create("before-restart");
    await stop(first);
    const second = await serve({ dataDir: first.dataDir, port: first.port });
    dataDirs.push(first.dataDir);
    const after = clients(second);
    await after.create("after-restart");
    const events: string[] = [];
    const controller = await new k8s.Watch(after.config).watch(
      path,
      { resourceVersion: revision },
      (type, object: Execution) => events.push(`${type} ${object.metadata?.name}`),
      () => undefined,
    );
    try {
      await waitFor("both creates", () => events.length >= 2);
      expect(events).toEqual(["ADDED before-restart", "ADDED after-restart"]);
    } finally {
      controller.abort();
    }
  });
});

describe("kontinue cluster serve", () => {
  it("prints its URL and kubeconfig path when ready, and exits 0 on SIGINT", async () => {
    const cluster = await serve();
    await waitFor("the ready line", () => cluster.output().includes("kubeconfig:"));
    expect(cluster.output()).toContain(
      `devcluster serving at https://127.0.0.1:${cluster.port}; kubeconfig: ${cluster.kubeconfigPath}`,
    );
    running.splice(running.indexOf(cluster), 1);
    cluster.child.kill("SIGINT");
    await waitFor("the exit", () => cluster.child.exitCode !== null || cluster.child.signalCode !== null);
    expect(cluster.child.exitCode).toBe(0);
    expect(existsSync(cluster.kubeconfigPath)).toBe(false);
  });
});

describe("410 Gone", () => {
  it("ends a watch from a compacted resourceVersion with one 410 ERROR event", async () => {
    const cluster = await serve({ watchHistorySeconds: 0.2 });
    await applyCrds(cluster.kubeconfigPath);
    const { config, create } = clients(cluster);
    await create("one");
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await create("two");
    const events: { type: string; object: { code?: number; reason?: string; message?: string } }[] = [];
    let ended = false;
    await new k8s.Watch(config).watch(
      path,
      { resourceVersion: "1" },
      (type, object) => events.push({ type, object }),
      () => (ended = true),
    );
    await waitFor("the watch to end", () => ended);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: "ERROR", object: { code: 410, reason: "Expired" } });
    expect(events[0]!.object.message).toMatch(/^too old resource version: 1 \(\d+\)$/);
  });

  it("makes a client-node informer relist", async () => {
    const cluster = await serve({ watchHistorySeconds: 0.2 });
    await applyCrds(cluster.kubeconfigPath);
    const { config, create, list } = clients(cluster);
    await create("listed");
    await new Promise((resolve) => setTimeout(resolve, 1500));
    let lists = 0;
    // The first list claims a long-compacted resourceVersion, as a list from long ago would.
    const staleFirst = async () => {
      lists += 1;
      const result = await list();
      return lists === 1 ? { ...result, metadata: { ...result.metadata, resourceVersion: "1" } } : result;
    };
    const informer = k8s.makeInformer<Execution>(config, path, staleFirst);
    const added: string[] = [];
    informer.on("add", (object) => added.push(object.metadata?.name ?? ""));
    await informer.start();
    try {
      await waitFor("the relist", () => lists >= 2);
      await create("after-relist");
      await waitFor("the create after the relist", () => added.includes("after-relist"));
      expect(
        informer
          .list()
          .map((object) => object.metadata?.name)
          .sort(),
      ).toEqual(["after-relist", "listed"]);
    } finally {
      await informer.stop();
    }
  });
});

describe("kill -9", () => {
  it("loses no acknowledged write", async () => {
    const first = await serve();
    const core = loadKubeConfig(first.kubeconfigPath).makeApiClient(k8s.CoreV1Api);
    const acknowledged: string[] = [];
    let next = 0;
    let killed = false;
    const writer = async () => {
      while (!killed) {
        const name = `write-${next++}`;
        try {
          await core.createNamespacedConfigMap({ namespace, body: { metadata: { name }, data: { index: name } } });
          if (!killed) acknowledged.push(name);
        } catch {
          return;
        }
      }
    };
    const writers = Array.from({ length: 8 }, writer);
    await waitFor("some acknowledged writes", () => acknowledged.length >= 200, 30_000);
    const snapshot = [...acknowledged];
    killed = true;
    running.splice(running.indexOf(first), 1);
    await first.kill();
    await Promise.all(writers);
    const second = await serve({ dataDir: first.dataDir, port: first.port });
    dataDirs.push(first.dataDir);
    const stored = await loadKubeConfig(second.kubeconfigPath)
      .makeApiClient(k8s.CoreV1Api)
      .listNamespacedConfigMap({ namespace });
    const names = new Set(stored.items.map((item) => item.metadata?.name));
    expect(snapshot.filter((name) => !names.has(name))).toEqual([]);
    expect(names.size).toBeGreaterThanOrEqual(snapshot.length);
  });
});
