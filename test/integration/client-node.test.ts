// @kubernetes/client-node against the run's Kubernetes API (devcluster, or KONTINUE_TEST_KUBECONFIG):
// informers, optimistic concurrency, watch resumption, and kube-apiserver's answers to bad input.
import * as k8s from "@kubernetes/client-node";
import { request as httpsRequest } from "node:https";
import type { RequestOptions } from "node:https";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loadKubeConfig } from "../fixtures/devcluster-fixture.ts";
import { waitFor } from "../fixtures/wait-for.ts";

const group = "kontinue.cloud";
const version = "v1alpha1";
const plural = "executions";
const namespace = `client-node-${Date.now().toString(36)}`;

let config: k8s.KubeConfig;
let core: k8s.CoreV1Api;
let custom: k8s.CustomObjectsApi;

interface Execution extends k8s.KubernetesObject {
  spec: { function: string; arguments?: unknown; cancelRequested?: boolean };
  status?: { phase?: string; attempt?: number };
}

function execution(name: string, extra: Partial<Execution["spec"]> = {}): Execution {
  return {
    apiVersion: `${group}/${version}`,
    kind: "Execution",
    metadata: { name },
    spec: { function: "processOrder", arguments: { orderId: name }, ...extra },
  };
}

async function create(name: string): Promise<Execution> {
  return (await custom.createNamespacedCustomObject({
    group,
    version,
    namespace,
    plural,
    body: execution(name),
  })) as Execution;
}

async function list(): Promise<k8s.KubernetesListObject<Execution>> {
  return (await custom.listNamespacedCustomObject({
    group,
    version,
    namespace,
    plural,
  })) as k8s.KubernetesListObject<Execution>;
}

/** The Status a failed client-node call carried. */
async function statusOf(call: Promise<unknown>): Promise<{
  code: number;
  reason?: string;
  message?: string;
  details?: { causes?: { field?: string; message: string }[] };
}> {
  const error = await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error, "the call should have failed").toBeInstanceOf(k8s.ApiException);
  const body = (error as k8s.ApiException<unknown>).body;
  return typeof body === "string" ? JSON.parse(body) : (body as never);
}

/** A request with a body client-node would never send (malformed JSON), authenticated from the kubeconfig. */
async function rawRequest(
  method: string,
  path: string,
  body: string,
  contentType: string,
): Promise<{ code: number; body: { code?: number; reason?: string; message?: string } }> {
  const cluster = config.getCurrentCluster()!;
  const url = new URL(path, cluster.server);
  const options: RequestOptions = {
    method,
    hostname: url.hostname,
    port: url.port,
    path: `${url.pathname}${url.search}`,
    headers: { "Content-Type": contentType, Accept: "application/json" },
  };
  await config.applyToHTTPSOptions(options);
  return new Promise((resolve, reject) => {
    const request = httpsRequest(options, (response) => {
      let text = "";
      response.on("data", (chunk: Buffer) => (text += chunk.toString()));
      response.on("end", () => resolve({ code: response.statusCode ?? 0, body: JSON.parse(text) }));
    });
    request.on("error", reject);
    request.end(body);
  });
}

beforeAll(async () => {
  config = loadKubeConfig(inject("kubeconfig"));
  core = config.makeApiClient(k8s.CoreV1Api);
  custom = config.makeApiClient(k8s.CustomObjectsApi);
  await core.createNamespace({ body: { metadata: { name: namespace } } });
});

afterAll(async () => {
  await core.deleteNamespace({ name: namespace }).catch(() => undefined);
});

describe("client-node informer", () => {
  it("lists, then watches creates, updates and deletes", async () => {
    await create("informer-before");
    const informer = k8s.makeInformer<Execution>(
      config,
      `/apis/${group}/${version}/namespaces/${namespace}/${plural}`,
      () => list(),
    );
    const seen: string[] = [];
    informer.on("add", (object) => seen.push(`add ${object.metadata?.name}`));
    informer.on("update", (object) =>
      seen.push(`update ${object.metadata?.name} ${object.spec.cancelRequested ?? false}`),
    );
    informer.on("delete", (object) => seen.push(`delete ${object.metadata?.name}`));
    const errors: unknown[] = [];
    informer.on("error", (error) => errors.push(error));
    await informer.start();
    try {
      await waitFor("the listed object", () => seen.includes("add informer-before"));
      await create("informer-after");
      await custom.patchNamespacedCustomObject(
        { group, version, namespace, plural, name: "informer-after", body: { spec: { cancelRequested: true } } },
        k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
      );
      await custom.deleteNamespacedCustomObject({ group, version, namespace, plural, name: "informer-before" });
      await waitFor(
        "watched create, update and delete",
        () =>
          seen.includes("add informer-after") &&
          seen.includes("update informer-after true") &&
          seen.includes("delete informer-before"),
      );
      expect(informer.list().map((object) => object.metadata?.name)).toEqual(["informer-after"]);
      expect(errors).toEqual([]);
    } finally {
      await informer.stop();
    }
  });
});

describe("client-node informer with a label selector", () => {
  it("sees an object that starts matching as added and one that stops matching as deleted", async () => {
    const selector = "kontinue.cloud/function=selected";
    const informer = k8s.makeInformer<Execution>(
      config,
      `/apis/${group}/${version}/namespaces/${namespace}/${plural}`,
      () =>
        custom.listNamespacedCustomObject({ group, version, namespace, plural, labelSelector: selector }) as Promise<
          k8s.KubernetesListObject<Execution>
        >,
      selector,
    );
    const seen: string[] = [];
    informer.on("add", (object) => seen.push(`add ${object.metadata?.name}`));
    informer.on("delete", (object) => seen.push(`delete ${object.metadata?.name}`));
    await informer.start();
    try {
      await create("selector-target");
      const label = (value: string | null) =>
        custom.patchNamespacedCustomObject(
          {
            group,
            version,
            namespace,
            plural,
            name: "selector-target",
            body: { metadata: { labels: { "kontinue.cloud/function": value } } },
          },
          k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
        );
      await label("selected");
      await waitFor("the object to start matching", () => seen.includes("add selector-target"));
      await label("other");
      await waitFor("the object to stop matching", () => seen.includes("delete selector-target"));
      expect(seen).toEqual(["add selector-target", "delete selector-target"]);
      expect(informer.list()).toEqual([]);
    } finally {
      await informer.stop();
    }
  });
});

describe("optimistic concurrency", () => {
  it("answers 409 Conflict to an update carrying a stale resourceVersion", async () => {
    const created = await create("conflict");
    const updated = (await custom.replaceNamespacedCustomObject({
      group,
      version,
      namespace,
      plural,
      name: "conflict",
      body: { ...created, spec: { ...created.spec, cancelRequested: true } },
    })) as Execution;
    expect(updated.metadata?.resourceVersion).not.toBe(created.metadata?.resourceVersion);
    const status = await statusOf(
      custom.replaceNamespacedCustomObject({
        group,
        version,
        namespace,
        plural,
        name: "conflict",
        body: { ...created, spec: { ...created.spec, idempotencyKey: "late" } },
      }),
    );
    expect(status).toMatchObject({ code: 409, reason: "Conflict" });
    expect(status.message).toContain(`executions.${group} "conflict"`);
    const live = (await custom.getNamespacedCustomObject({
      group,
      version,
      namespace,
      plural,
      name: "conflict",
    })) as Execution;
    expect(live.metadata?.resourceVersion).toBe(updated.metadata?.resourceVersion);
  });

  it("answers 409 to a status write carrying a stale resourceVersion (a lost claim)", async () => {
    const created = await create("claim");
    const claim = (phase: string) =>
      custom.replaceNamespacedCustomObjectStatus({
        group,
        version,
        namespace,
        plural,
        name: "claim",
        body: { ...created, status: { phase, attempt: 1 } },
      });
    await claim("Executing");
    expect((await statusOf(claim("Executing"))).code).toBe(409);
  });
});

describe("watch", () => {
  it("resumes from a resourceVersion: only changes after it arrive", async () => {
    const before = await list();
    await create("resume-a");
    await create("resume-b");
    const events: string[] = [];
    const watch = new k8s.Watch(config);
    const controller = await watch.watch(
      `/apis/${group}/${version}/namespaces/${namespace}/${plural}`,
      { resourceVersion: before.metadata?.resourceVersion },
      (type, object: Execution) => events.push(`${type} ${object.metadata?.name}`),
      () => undefined,
    );
    try {
      await waitFor("both creates", () => events.length >= 2);
      expect(events).toEqual(["ADDED resume-a", "ADDED resume-b"]);
    } finally {
      controller.abort();
    }
  });
});

describe("bad input leaves the store unchanged", () => {
  let snapshot: string;
  beforeAll(async () => {
    await create("untouched");
    snapshot = JSON.stringify(
      (await list()).items.map((item) => [item.metadata?.name, item.metadata?.resourceVersion]),
    );
  });
  afterAll(async () => {
    expect(
      JSON.stringify((await list()).items.map((item) => [item.metadata?.name, item.metadata?.resourceVersion])),
    ).toBe(snapshot);
  });

  it("malformed JSON → 400", async () => {
    const answer = await rawRequest(
      "POST",
      `/apis/${group}/${version}/namespaces/${namespace}/${plural}`,
      '{"apiVersion": "kontinue.cloud/v1alpha1", "kind": ',
      "application/json",
    );
    expect(answer.code).toBe(400);
    expect(answer.body).toMatchObject({ kind: "Status", code: 400, reason: "BadRequest" });
  });

  it("malformed merge patch → 400", async () => {
    const answer = await rawRequest(
      "PATCH",
      `/apis/${group}/${version}/namespaces/${namespace}/${plural}/untouched`,
      "{spec:",
      "application/merge-patch+json",
    );
    expect(answer.code).toBe(400);
  });

  it("malformed YAML in a server-side apply → 400", async () => {
    const answer = await rawRequest(
      "PATCH",
      `/apis/${group}/${version}/namespaces/${namespace}/${plural}/untouched?fieldManager=test`,
      "spec: {function: [unclosed",
      "application/apply-patch+yaml",
    );
    expect(answer.code).toBe(400);
    expect(answer.body).toMatchObject({ kind: "Status", code: 400 });
  });

  it("an object failing its schema → 422 with causes naming the field", async () => {
    const body = {
      apiVersion: `${group}/${version}`,
      kind: "Execution",
      metadata: { name: "no-function" },
      spec: { arguments: {} },
    };
    const status = await statusOf(custom.createNamespacedCustomObject({ group, version, namespace, plural, body }));
    expect(status).toMatchObject({ code: 422, reason: "Invalid" });
    expect(status.details?.causes?.map((cause) => cause.field)).toContain("spec.function");
  });

  it("a patch that breaks the schema → 422", async () => {
    const status = await statusOf(
      custom.patchNamespacedCustomObjectStatus(
        { group, version, namespace, plural, name: "untouched", body: { status: { phase: "Sleeping" } } },
        k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
      ),
    );
    expect(status).toMatchObject({ code: 422, reason: "Invalid" });
    expect(status.message).toContain("status.phase");
  });

  it("a name that is not a DNS-1123 subdomain → 422", async () => {
    const status = await statusOf(
      custom.createNamespacedCustomObject({ group, version, namespace, plural, body: execution("Bad_Name") }),
    );
    expect(status).toMatchObject({ code: 422, reason: "Invalid" });
    expect(status.message).toContain("RFC 1123");
  });

  it("an unknown resource → 404", async () => {
    const status = await statusOf(custom.listNamespacedCustomObject({ group, version, namespace, plural: "nothings" }));
    expect(status.code).toBe(404);
  });

  it("a body whose apiVersion is not the URL's → 400", async () => {
    const body = { ...execution("wrong-version"), apiVersion: `${group}/v9` };
    const status = await statusOf(custom.createNamespacedCustomObject({ group, version, namespace, plural, body }));
    expect(status).toMatchObject({ code: 400, reason: "BadRequest" });
    expect(status.message).toContain(`${group}/v9`);
  });

  it("a create in a namespace that does not exist → 404 naming the namespace", async () => {
    const status = await statusOf(
      custom.createNamespacedCustomObject({
        group,
        version,
        namespace: `${namespace}-missing`,
        plural,
        body: execution("orphan"),
      }),
    );
    expect(status).toMatchObject({ code: 404, reason: "NotFound" });
    expect(status.message).toBe(`namespaces "${namespace}-missing" not found`);
  });

  it("a second create of the same name → 409 AlreadyExists", async () => {
    const status = await statusOf(create("untouched"));
    expect(status).toMatchObject({ code: 409, reason: "AlreadyExists" });
  });
});
