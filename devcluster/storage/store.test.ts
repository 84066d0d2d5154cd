import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { KubeObject } from "../registry/resource-info.ts";
import { Store } from "./store.ts";

const dirs: string[] = [];
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "kontinue-store-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function configMap(namespace: string, name: string, labels?: Record<string, string>): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { namespace, name, uid: `uid-${namespace}-${name}`, ...(labels ? { labels } : {}) },
  };
}

const resource = "core/configmaps";
const at = new Date("2026-01-01T00:00:00Z");

describe("Store", () => {
  it("assigns one increasing resourceVersion per commit and keeps it across a reopen", () => {
    const dir = dataDir();
    const store = new Store({ dataDir: dir });
    const first = store.commit("ADDED", { resource, namespace: "a", name: "x" }, configMap("a", "x"), undefined, at);
    const second = store.commit(
      "ADDED",
      { resource: "core/secrets", namespace: "a", name: "x" },
      configMap("a", "x"),
      undefined,
      at,
    );
    expect(first.revision).toBe(1);
    expect(second.revision).toBe(2);
    expect(first.object.metadata.resourceVersion).toBe("1");
    store.close();
    const reopened = new Store({ dataDir: dir });
    expect(reopened.revision).toBe(2);
    expect(reopened.get({ resource, namespace: "a", name: "x" })?.metadata).toMatchObject({
      resourceVersion: "1",
      uid: "uid-a-x",
    });
    reopened.close();
  });

  it("lists by namespace then name, after a start key, and counts the rest", () => {
    const store = new Store({ dataDir: dataDir() });
    for (const [namespace, name] of [
      ["b", "a"],
      ["a", "z"],
      ["a", "b"],
      ["c", "c"],
    ] as const) {
      store.commit("ADDED", { resource, namespace, name }, configMap(namespace, name), undefined, at);
    }
    const names = (objects: Iterable<KubeObject>) =>
      [...objects].map((object) => `${object.metadata.namespace}/${object.metadata.name}`);
    expect(names(store.list(resource))).toEqual(["a/b", "a/z", "b/a", "c/c"]);
    expect(names(store.list(resource, { namespace: "a" }))).toEqual(["a/b", "a/z"]);
    expect(names(store.list(resource, { after: { namespace: "a", name: "z" } }))).toEqual(["b/a", "c/c"]);
    expect(store.count(resource, { after: { namespace: "a", name: "b" } })).toBe(3);
    store.close();
  });

  it("logs changes for watch resumption, with the labels before a relabel", () => {
    const store = new Store({ dataDir: dataDir() });
    const key = { resource, namespace: "a", name: "x" };
    const created = store.commit("ADDED", key, configMap("a", "x", { tier: "one" }), undefined, at);
    const relabelled = store.commit("MODIFIED", key, configMap("a", "x", { tier: "two" }), created.object, at);
    store.commit("DELETED", key, relabelled.object, relabelled.object, at);
    const changes = [...store.changesSince(resource, 1)];
    expect(changes.map((change) => [change.type, change.revision])).toEqual([
      ["MODIFIED", 2],
      ["DELETED", 3],
    ]);
    expect(changes[0]!.previousLabels).toEqual({ tier: "one" });
    expect(changes[1]!.object.metadata.resourceVersion).toBe("3");
    expect(store.get(key)).toBeUndefined();
    store.close();
  });

  it("compacts history older than the window", () => {
    const store = new Store({ dataDir: dataDir(), historyMillis: 1000 });
    for (let index = 0; index < 3; index++)
      store.commit(
        "ADDED",
        { resource, namespace: "a", name: `n${index}` },
        configMap("a", `n${index}`),
        undefined,
        at,
      );
    const later = new Date(at.getTime() + 2000);
    for (let index = 3; index < 5; index++)
      store.commit(
        "ADDED",
        { resource, namespace: "a", name: `n${index}` },
        configMap("a", `n${index}`),
        undefined,
        later,
      );
    store.compact(new Date(at.getTime() + 500));
    expect(store.compactedRevision).toBe(0);
    store.compact(new Date(at.getTime() + 2500));
    expect(store.compactedRevision).toBe(3);
    expect([...store.changesSince(resource, 0)].map((change) => change.revision)).toEqual([4, 5]);
    store.close();
  });

  it("keeps the resourceVersion across a reopen after the whole log was compacted", () => {
    const dir = dataDir();
    const store = new Store({ dataDir: dir, historyMillis: 1 });
    const key = { resource, namespace: "a", name: "x" };
    const created = store.commit("ADDED", key, configMap("a", "x"), undefined, at);
    store.commit("DELETED", key, created.object, created.object, at);
    store.compact(new Date(at.getTime() + 1000));
    store.close();
    const reopened = new Store({ dataDir: dir, historyMillis: 1 });
    expect(reopened.revision).toBe(2);
    expect(reopened.compactedRevision).toBe(2);
    expect(reopened.commit("ADDED", key, configMap("a", "x"), undefined, at).revision).toBe(3);
    reopened.close();
  });

  it("bounds the history by count", () => {
    const store = new Store({ dataDir: dataDir(), historyMaxEntries: 2 });
    for (let index = 0; index < 5; index++)
      store.commit(
        "ADDED",
        { resource, namespace: "a", name: `n${index}` },
        configMap("a", `n${index}`),
        undefined,
        at,
      );
    store.compact(at);
    expect([...store.changesSince(resource, 0)].map((change) => change.revision)).toEqual([4, 5]);
    store.close();
  });

  it("finds dependents by owner uid, follows reference changes and rebuilds the index on reopen", () => {
    const dir = dataDir();
    const store = new Store({ dataDir: dir });
    const reference = { apiVersion: "v1", kind: "ConfigMap", name: "parent", uid: "owner-1" };
    const child = configMap("a", "child");
    const owned = { ...child, metadata: { ...child.metadata, ownerReferences: [reference] } };
    const key = { resource, namespace: "a", name: "child" };
    const created = store.commit("ADDED", key, owned, undefined, at);
    store.commit("ADDED", { resource, namespace: "a", name: "other" }, configMap("a", "other"), undefined, at);
    expect(store.dependentsOf("owner-1").map((entry) => entry.name)).toEqual(["child"]);
    expect(store.dependentsOf("owner-2")).toEqual([]);
    store.close();
    const reopened = new Store({ dataDir: dir });
    expect(reopened.dependentsOf("owner-1").map((entry) => entry.name)).toEqual(["child"]);
    reopened.commit(
      "MODIFIED",
      key,
      { ...owned, metadata: { ...owned.metadata, ownerReferences: [{ ...reference, uid: "owner-2" }] } },
      created.object,
      at,
    );
    expect(reopened.dependentsOf("owner-1")).toEqual([]);
    expect(reopened.dependentsOf("owner-2").map((entry) => entry.name)).toEqual(["child"]);
    reopened.close();
  });
});

describe("Store limits", () => {
  it("refuses objects over etcd's 1.5 MiB, as kube-apiserver passes etcd's error on (500)", () => {
    const store = new Store({ dataDir: dataDir() });
    const big = { ...configMap("a", "big"), data: { blob: "x".repeat(1.5 * 1024 * 1024) } };
    expect(() => store.commit("ADDED", { resource, namespace: "a", name: "big" }, big, undefined, at)).toThrow(
      expect.objectContaining({ code: 500, message: "etcdserver: request is too large" }),
    );
    expect(store.revision).toBe(0);
    expect(store.get({ resource, namespace: "a", name: "big" })).toBeUndefined();
    store.close();
  });
});
