// Deletion as kube-apiserver and its controllers do it: finalizers, ownerReference GC, namespaces, CRDs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevClusterHttp, widget, widgetCrd, widgets } from "../../test/fixtures/devcluster-http.ts";
import type { DevClusterHttp } from "../../test/fixtures/devcluster-http.ts";
import { waitFor } from "../../test/fixtures/wait-for.ts";

let api: DevClusterHttp;
const crds = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
const configMaps = "/api/v1/namespaces/default/configmaps";

beforeAll(async () => {
  api = await startDevClusterHttp();
  await api.call("POST", crds, { body: widgetCrd() });
});
afterAll(() => api.close());

const merge = "application/merge-patch+json";
const gone = (path: string) => async () => (await api.call("GET", path)).code === 404;

async function owned(name: string, owner: { metadata: { name: string; uid: string } }): Promise<void> {
  const body = {
    metadata: {
      name,
      ownerReferences: [
        { apiVersion: "example.com/v1", kind: "Widget", name: owner.metadata.name, uid: owner.metadata.uid },
      ],
    },
    data: {},
  };
  expect((await api.call("POST", configMaps, { body })).code).toBe(201);
}

describe("finalizers", () => {
  it(
    "a delete sets deletionTimestamp and bumps generation; only removal is allowed; the last removal " + "deletes",
    async () => {
      await api.call("POST", widgets, { body: widget("held", { size: 1 }, { finalizers: ["example.com/hold"] }) });
      const deleted = await api.call("DELETE", `${widgets}/held`);
      expect(deleted.code).toBe(200);
      expect(deleted.body.metadata.deletionTimestamp).toBeDefined();
      expect(deleted.body.metadata.generation).toBe(2);
      const added = await api.call("PATCH", `${widgets}/held`, {
        body: { metadata: { finalizers: ["example.com/hold", "example.com/more"] } },
        contentType: merge,
      });
      expect(added.code).toBe(422);
      expect((await api.call("GET", `${widgets}/held`)).code).toBe(200);
      await api.call("PATCH", `${widgets}/held`, { body: { metadata: { finalizers: null } }, contentType: merge });
      expect((await api.call("GET", `${widgets}/held`)).code).toBe(404);
    },
  );

  it("without finalizers answers Status Success, and checks preconditions (409)", async () => {
    const created = (await api.call("POST", widgets, { body: widget("plain") })).body;
    const failed = await api.call("DELETE", `${widgets}/plain`, { body: { preconditions: { uid: "someone-else" } } });
    expect(failed.code).toBe(409);
    const deleted = await api.call("DELETE", `${widgets}/plain`);
    expect(deleted.body).toMatchObject({
      kind: "Status",
      status: "Success",
      details: { name: "plain", group: "example.com", kind: "widgets", uid: created.metadata.uid },
    });
  });
});

describe("ownerReference garbage collection", () => {
  it("Background: the owner goes at once, its dependents soon after", async () => {
    const owner = (await api.call("POST", widgets, { body: widget("bg-owner") })).body;
    await owned("bg-child", owner);
    await api.call("DELETE", `${widgets}/bg-owner`, { body: { propagationPolicy: "Background" } });
    await waitFor("the dependent to be collected", gone(`${configMaps}/bg-child`));
  });

  it("Orphan: dependents stay, without the owner's reference", async () => {
    const owner = (await api.call("POST", widgets, { body: widget("orphan-owner") })).body;
    await owned("orphan-child", owner);
    await api.call("DELETE", `${widgets}/orphan-owner?propagationPolicy=Orphan`);
    await waitFor("the owner to go", gone(`${widgets}/orphan-owner`));
    const child = await api.call("GET", `${configMaps}/orphan-child`);
    expect(child.code).toBe(200);
    expect(child.body.metadata.ownerReferences).toBeUndefined();
  });

  it("Foreground: the owner waits (foregroundDeletion) until its dependents are gone", async () => {
    const owner = (await api.call("POST", widgets, { body: widget("fg-owner") })).body;
    await owned("fg-child", owner);
    const deleted = await api.call("DELETE", `${widgets}/fg-owner`, { body: { propagationPolicy: "Foreground" } });
    expect(deleted.body.metadata.finalizers).toContain("foregroundDeletion");
    await waitFor("the owner to go", gone(`${widgets}/fg-owner`));
    expect((await api.call("GET", `${configMaps}/fg-child`)).code).toBe(404);
  });
});

describe("namespaces", () => {
  it("deleting a namespace deletes its contents, then the namespace", async () => {
    await api.call("POST", "/api/v1/namespaces", {
      body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "doomed" } },
    });
    await api.call("POST", "/api/v1/namespaces/doomed/configmaps", { body: { metadata: { name: "inside" } } });
    const deleted = await api.call("DELETE", "/api/v1/namespaces/doomed");
    expect(deleted.body.status).toEqual({ phase: "Terminating" });
    await waitFor("the namespace to go", gone("/api/v1/namespaces/doomed"));
    expect((await api.call("GET", "/api/v1/namespaces/doomed/configmaps/inside")).code).toBe(404);
  });

  it("refuses namespace names that are not DNS-1123 labels (422)", async () => {
    const answer = await api.call("POST", "/api/v1/namespaces", { body: { metadata: { name: "has.dots" } } });
    expect(answer.body).toMatchObject({ code: 422, reason: "Invalid" });
    expect(answer.body.message).toContain("RFC 1123 label");
  });

  it("serves default, kube-system and kube-public from the start", async () => {
    const names = (await api.call("GET", "/api/v1/namespaces")).body.items.map(
      (item: { metadata: { name: string } }) => item.metadata.name,
    );
    expect(names).toEqual(expect.arrayContaining(["default", "kube-system", "kube-public"]));
  });
});

describe("CustomResourceDefinitions", () => {
  it("validates the name, sets accepted names and conditions, and serves the resource", async () => {
    const wrong = await api.call("POST", crds, { body: widgetCrd({ name: "gadgets.example.com" }) });
    expect(wrong.code).toBe(422);
    expect(wrong.body.message).toContain('must be spec.names.plural+"."+spec.group');
    const crd = (await api.call("GET", `${crds}/widgets.example.com`)).body;
    expect(crd.status.acceptedNames).toMatchObject({ kind: "Widget", plural: "widgets" });
    expect(crd.status.storedVersions).toEqual(["v1"]);
    expect(
      crd.status.conditions.map(
        (condition: { type: string; status: string }) => `${condition.type}=${condition.status}`,
      ),
    ).toEqual(["NamesAccepted=True", "Established=True"]);
    expect(crd.metadata.finalizers).toEqual(["customresourcecleanup.apiextensions.k8s.io"]);
  });

  it("deleting a CRD deletes its custom resources, then stops serving them", async () => {
    const gadget = { ...(widgetCrd({ name: "gadgets.example.org" }) as { spec: Record<string, unknown> }) } as {
      metadata: object;
      spec: { group: string; names: object };
    };
    const body = {
      ...gadget,
      spec: { ...gadget.spec, group: "example.org", names: { kind: "Gadget", plural: "gadgets" } },
    };
    expect((await api.call("POST", crds, { body })).code).toBe(201);
    const gadgets = "/apis/example.org/v1/namespaces/default/gadgets";
    expect(
      (
        await api.call("POST", gadgets, {
          body: { apiVersion: "example.org/v1", kind: "Gadget", metadata: { name: "g1" }, spec: {} },
        })
      ).code,
    ).toBe(201);
    await api.call("DELETE", `${crds}/gadgets.example.org`);
    await waitFor("the CRD to go", gone(`${crds}/gadgets.example.org`));
    const after = await api.call("GET", gadgets);
    expect(after.body).toMatchObject({ code: 404, message: "the server could not find the requested resource" });
    expect((await api.call("GET", "/apis/example.org/v1")).code).toBe(404);
  });
});

describe("ownerReferences", () => {
  it("must name apiVersion, kind, name and uid, with at most one controller (422)", async () => {
    const reference = { apiVersion: "example.com/v1", kind: "Widget", name: "w", uid: "u1", controller: true };
    const missing = await api.call("POST", configMaps, {
      body: { metadata: { name: "no-uid", ownerReferences: [{ ...reference, uid: "" }] } },
    });
    expect(missing.code).toBe(422);
    const two = await api.call("POST", configMaps, {
      body: { metadata: { name: "two", ownerReferences: [reference, { ...reference, name: "v", uid: "u2" }] } },
    });
    expect(two.code).toBe(422);
    expect(two.body.message).toContain("Only one reference can have Controller set to true");
  });
});

describe("deletecollection", () => {
  it("deletes the objects matching the selectors, and only those", async () => {
    for (const [name, tier] of [
      ["dc-1", "drop"],
      ["dc-2", "drop"],
      ["dc-3", "keep"],
    ] as const) {
      await api.call("POST", widgets, { body: widget(name, { size: 1 }, { labels: { tier } }) });
    }
    const answer = await api.call("DELETE", `${widgets}?labelSelector=tier%3Ddrop`);
    expect(answer.body).toMatchObject({ kind: "Status", status: "Success" });
    const left = (await api.call("GET", `${widgets}?labelSelector=tier`)).body.items.map(
      (item: { metadata: { name: string } }) => item.metadata.name,
    );
    expect(left).toEqual(["dc-3"]);
  });
});
