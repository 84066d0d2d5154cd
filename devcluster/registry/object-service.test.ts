// kube-apiserver's write rules, through devcluster's HTTP API: create, update, patch, status, scale, dry run.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevClusterHttp, widget, widgetCrd, widgets } from "../../test/fixtures/devcluster-http.ts";
import type { DevClusterHttp } from "../../test/fixtures/devcluster-http.ts";

let api: DevClusterHttp;

beforeAll(async () => {
  // The registry's rules alone: no Deployment controller writing revision annotations in between.
  api = await startDevClusterHttp({ runner: "off" });
  expect(
    (await api.call("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", { body: widgetCrd() })).code,
  ).toBe(201);
});
afterAll(() => api.close());

const merge = "application/merge-patch+json";

describe("create", () => {
  it(
    "sets uid, creationTimestamp, resourceVersion and generation 1, drops status, applies schema " + "defaults",
    async () => {
      const answer = await api.call("POST", widgets, { body: { ...widget("created"), status: { phase: "Ready" } } });
      expect(answer.code).toBe(201);
      expect(answer.body.metadata).toMatchObject({ name: "created", namespace: "default", generation: 1 });
      expect(answer.body.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
      expect(answer.body.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(answer.body.metadata.resourceVersion).toMatch(/^\d+$/);
      expect(answer.body.status).toBeUndefined();
      expect(answer.body.spec).toEqual({ size: 1, color: "blue" });
    },
  );

  it("generates names from generateName with kube's alphabet", async () => {
    const answer = await api.call("POST", widgets, {
      body: { apiVersion: "example.com/v1", kind: "Widget", metadata: { generateName: "gen-" }, spec: {} },
    });
    expect(answer.code).toBe(201);
    expect(answer.body.metadata.name).toMatch(/^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it("refuses neither name nor generateName (422), duplicates (409) and unknown namespaces (404)", async () => {
    expect(
      (
        await api.call("POST", widgets, {
          body: { apiVersion: "example.com/v1", kind: "Widget", metadata: {}, spec: {} },
        })
      ).code,
    ).toBe(422);
    await api.call("POST", widgets, { body: widget("twice") });
    const again = await api.call("POST", widgets, { body: widget("twice") });
    expect(again.body).toMatchObject({
      code: 409,
      reason: "AlreadyExists",
      message: 'widgets.example.com "twice" already exists',
    });
    const missing = await api.call("POST", "/apis/example.com/v1/namespaces/nowhere/widgets", { body: widget("lost") });
    expect(missing.body).toMatchObject({ code: 404, message: 'namespaces "nowhere" not found' });
  });

  it("with dryRun=All answers as if created but stores nothing", async () => {
    const answer = await api.call("POST", `${widgets}?dryRun=All`, { body: widget("dry") });
    expect(answer.code).toBe(201);
    expect((await api.call("GET", `${widgets}/dry`)).code).toBe(404);
  });

  it("with fieldValidation=Strict refuses unknown fields (400); Warn answers a Warning header", async () => {
    const strict = await api.call("POST", `${widgets}?fieldValidation=Strict`, {
      body: widget("strict", { size: 1, foo: 1 }),
    });
    expect(strict.code).toBe(400);
    expect(strict.body.message).toContain('strict decoding error: unknown field "spec.foo"');
    const warned = await api.call("POST", `${widgets}?fieldValidation=Warn`, {
      body: widget("warned", { size: 1, foo: 1 }),
    });
    expect(warned.code).toBe(201);
    expect(String(warned.headers.warning)).toContain("unknown field");
    expect(warned.body.spec.foo).toBeUndefined();
  });
});

describe("update", () => {
  it("needs resourceVersion on a custom resource (422) and refuses a stale one (409)", async () => {
    const created = (await api.call("POST", widgets, { body: widget("put") })).body;
    const withoutVersion = await api.call("PUT", `${widgets}/put`, { body: widget("put", { size: 2 }) });
    expect(withoutVersion.code).toBe(422);
    expect(withoutVersion.body.message).toContain(
      "metadata.resourceVersion: Invalid value: 0x0: must be specified for an update",
    );
    const updated = await api.call("PUT", `${widgets}/put`, { body: { ...created, spec: { size: 2 } } });
    expect(updated.code).toBe(200);
    expect(updated.body.metadata.generation).toBe(2);
    const stale = await api.call("PUT", `${widgets}/put`, { body: { ...created, spec: { size: 3 } } });
    expect(stale.body).toMatchObject({ code: 409, reason: "Conflict" });
    expect(
      (
        await api.call("PUT", `${widgets}/absent`, {
          body: { ...created, metadata: { ...created.metadata, name: "absent" } },
        })
      ).code,
    ).toBe(404);
  });

  it("keeps status on main-resource writes and takes only status on /status writes", async () => {
    const created = (await api.call("POST", widgets, { body: widget("split") })).body;
    const status = await api.call("PUT", `${widgets}/split/status`, {
      body: {
        ...created,
        spec: { size: 99 },
        metadata: { ...created.metadata, labels: { ignored: "yes" } },
        status: { phase: "Ready" },
      },
    });
    expect(status.body.status).toEqual({ phase: "Ready" });
    expect(status.body.spec.size).toBe(1);
    expect(status.body.metadata.labels).toBeUndefined();
    expect(status.body.metadata.generation).toBe(1);
    const main = await api.call("PATCH", `${widgets}/split`, {
      body: { spec: { size: 5 }, status: { phase: "Overwritten" } },
      contentType: merge,
    });
    expect(main.body.status).toEqual({ phase: "Ready" });
    expect(main.body.metadata.generation).toBe(2);
  });

  it("bumps generation for spec changes only, and a write that changes nothing keeps the resourceVersion", async () => {
    const created = (await api.call("POST", widgets, { body: widget("gen") })).body;
    const labelled = await api.call("PATCH", `${widgets}/gen`, {
      body: { metadata: { labels: { a: "b" } } },
      contentType: merge,
    });
    expect(labelled.body.metadata.generation).toBe(1);
    expect(labelled.body.metadata.resourceVersion).not.toBe(created.metadata.resourceVersion);
    const same = await api.call("PATCH", `${widgets}/gen`, {
      body: { metadata: { labels: { a: "b" } } },
      contentType: merge,
    });
    expect(same.body.metadata.resourceVersion).toBe(labelled.body.metadata.resourceVersion);
  });

  it("lets Deployments be PUT without resourceVersion and bumps their generation on annotation changes", async () => {
    const deployments = "/apis/apps/v1/namespaces/default/deployments";
    const deployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web" },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: { containers: [{ name: "web", image: "nginx:1.27" }] },
        },
      },
    };
    expect((await api.call("POST", deployments, { body: deployment })).code).toBe(201);
    const put = await api.call("PUT", `${deployments}/web`, {
      body: { ...deployment, metadata: { name: "web", annotations: { note: "x" } } },
    });
    expect(put.code).toBe(200);
    expect(put.body.metadata.generation).toBe(2);
    const strategic = await api.call("PATCH", `${deployments}/web`, {
      body: { spec: { template: { spec: { containers: [{ name: "web", image: "nginx:1.28" }] } } } },
      contentType: "application/strategic-merge-patch+json",
    });
    expect(strategic.body.spec.template.spec.containers).toHaveLength(1);
    expect(strategic.body.spec.template.spec.containers[0].image).toBe("nginx:1.28");
    const scale = await api.call("GET", `${deployments}/web/scale`);
    expect(scale.body).toMatchObject({
      kind: "Scale",
      apiVersion: "autoscaling/v1",
      spec: { replicas: 1 },
      status: { replicas: 0, selector: "app=web" },
    });
    const scaled = await api.call("PATCH", `${deployments}/web/scale`, {
      body: { spec: { replicas: 4 } },
      contentType: merge,
    });
    expect(scaled.body.spec.replicas).toBe(4);
    expect((await api.call("GET", `${deployments}/web`)).body.spec.replicas).toBe(4);
    const put2 = await api.call("PUT", `${deployments}/web/scale`, {
      body: { ...scaled.body, spec: { replicas: 2 } },
      contentType: "",
    });
    expect(put2.body.spec.replicas).toBe(2);
    const stale = await api.call("PUT", `${deployments}/web/scale`, {
      body: { ...scaled.body, spec: { replicas: 3 } },
    });
    expect(stale.code).toBe(409);
  });
});

describe("patch", () => {
  it(
    "merge patch with a stale resourceVersion → 409; failed JSON-patch test → 422; strategic on a CR → " + "415",
    async () => {
      const created = (await api.call("POST", widgets, { body: widget("patched") })).body;
      await api.call("PATCH", `${widgets}/patched`, { body: { spec: { size: 2 } }, contentType: merge });
      const stale = await api.call("PATCH", `${widgets}/patched`, {
        body: { metadata: { resourceVersion: created.metadata.resourceVersion }, spec: { size: 3 } },
        contentType: merge,
      });
      expect(stale.code).toBe(409);
      const test = await api.call("PATCH", `${widgets}/patched`, {
        body: [{ op: "test", path: "/spec/size", value: 7 }],
        contentType: "application/json-patch+json",
      });
      expect(test.code).toBe(422);
      const strategic = await api.call("PATCH", `${widgets}/patched`, {
        body: { spec: { size: 4 } },
        contentType: "application/strategic-merge-patch+json",
      });
      expect(strategic.body).toMatchObject({ code: 415, reason: "UnsupportedMediaType" });
      expect((await api.call("PATCH", `${widgets}/nothing`, { body: {}, contentType: merge })).code).toBe(404);
    },
  );

  it("server-side apply creates (201), needs fieldManager, detects conflicts unless forced", async () => {
    const path = `${widgets}/applied?fieldManager=alice`;
    const body = widget("applied", { size: 1 });
    expect(
      (await api.call("PATCH", `${widgets}/applied`, { body, contentType: "application/apply-patch+yaml" })).code,
    ).toBe(422);
    const created = await api.call("PATCH", path, { body, contentType: "application/apply-patch+yaml" });
    expect(created.code).toBe(201);
    const conflict = await api.call("PATCH", `${widgets}/applied?fieldManager=bob`, {
      body: widget("applied", { size: 2 }),
      contentType: "application/apply-patch+yaml",
    });
    expect(conflict.body).toMatchObject({ code: 409, reason: "Conflict" });
    const forced = await api.call("PATCH", `${widgets}/applied?fieldManager=bob&force=true`, {
      body: "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: applied}\nspec: {size: 2}\n",
      contentType: "application/apply-patch+yaml",
    });
    expect(forced.code).toBe(200);
    expect(forced.body.spec.size).toBe(2);
    expect(
      (await api.call("PATCH", `${widgets}/applied?force=true`, { body: { spec: {} }, contentType: merge })).code,
    ).toBe(422);
  });
});

describe("custom resource scale", () => {
  it("maps /scale through the CRD's replica paths", async () => {
    await api.call("POST", widgets, { body: widget("scaled", { size: 1, replicas: 2 }) });
    const scale = await api.call("GET", `${widgets}/scaled/scale`);
    expect(scale.body).toMatchObject({ kind: "Scale", spec: { replicas: 2 }, status: { replicas: 0 } });
    await api.call("PATCH", `${widgets}/scaled/scale`, { body: { spec: { replicas: 5 } }, contentType: merge });
    expect((await api.call("GET", `${widgets}/scaled`)).body.spec.replicas).toBe(5);
  });
});

describe("built-in kinds", () => {
  const deployment = (extra: Record<string, unknown>) => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "typo" },
    spec: {
      selector: { matchLabels: { app: "t" } },
      template: {
        metadata: { labels: { app: "t" } },
        spec: { containers: [{ name: "t", image: "nginx:1.27", ...extra }] },
      },
    },
  });

  it(
    "refuse unknown fields under fieldValidation=Strict and drop them otherwise, like kube's typed " + "decoding",
    async () => {
      const deployments = "/apis/apps/v1/namespaces/default/deployments";
      const strict = await api.call("POST", `${deployments}?fieldValidation=Strict`, {
        body: deployment({ imagePullPolicyy: "Always" }),
      });
      expect(strict.code).toBe(400);
      expect(strict.body.message).toContain('unknown field "spec.template.spec.containers[0].imagePullPolicyy"');
      const lenient = await api.call("POST", `${deployments}?fieldValidation=Ignore`, {
        body: deployment({ imagePullPolicyy: "Always" }),
      });
      expect(lenient.code).toBe(201);
      expect(lenient.body.spec.template.spec.containers[0].imagePullPolicyy).toBeUndefined();
    },
  );

  it("refuse values of the wrong JSON type with 400, as kube's decoder does", async () => {
    const answer = await api.call("POST", "/api/v1/namespaces/default/configmaps", {
      body: { metadata: { name: "typed" }, data: { count: 3 } },
    });
    expect(answer.body).toMatchObject({ code: 400, reason: "BadRequest" });
    expect(answer.body.message).toContain('ConfigMap in version "v1" cannot be handled as a ConfigMap');
  });
});

describe("server-side apply of unchanged values", () => {
  it("records the applying manager's ownership even when no value changes", async () => {
    await api.call("POST", `${widgets}?fieldManager=creator`, { body: widget("co-owned", { size: 1 }) });
    const applied = await api.call("PATCH", `${widgets}/co-owned?fieldManager=applier&force=true`, {
      body: widget("co-owned", { size: 1 }),
      contentType: "application/apply-patch+yaml",
    });
    expect(applied.code).toBe(200);
    expect(
      applied.body.metadata.managedFields.map(
        (entry: { manager: string; operation: string }) => `${entry.manager}/${entry.operation}`,
      ),
    ).toContain("applier/Apply");
    const again = await api.call("PATCH", `${widgets}/co-owned?fieldManager=applier&force=true`, {
      body: widget("co-owned", { size: 1 }),
      contentType: "application/apply-patch+yaml",
    });
    expect(again.body.metadata.resourceVersion).toBe(applied.body.metadata.resourceVersion);
  });
});

describe("admission of unchanged fields", () => {
  const gadgets = "/apis/example.com/v1/namespaces/default/gadgets";
  const gadgetCrd = (maximum?: number) => {
    const crd = widgetCrd({ name: "gadgets.example.com" }) as {
      spec: {
        names: object;
        versions: { schema: { openAPIV3Schema: { properties: { spec: { properties: { size: object } } } } } }[];
      };
    };
    crd.spec.names = { kind: "Gadget", plural: "gadgets", singular: "gadget" };
    crd.spec.versions[0]!.schema.openAPIV3Schema.properties.spec.properties.size = {
      type: "integer",
      minimum: 0,
      ...(maximum !== undefined ? { maximum } : {}),
    };
    return crd;
  };
  const gadget = (name: string, spec: object) => ({
    apiVersion: "example.com/v1",
    kind: "Gadget",
    metadata: { name },
    spec,
  });

  it("checks them again once the CRD changed after the object was written", async () => {
    const crds = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
    expect((await api.call("POST", crds, { body: gadgetCrd() })).code).toBe(201);
    expect((await api.call("POST", gadgets, { body: gadget("big", { size: 5 }) })).code).toBe(201);
    const status = await api.call("PATCH", `${gadgets}/big/status`, {
      body: { status: { phase: "Ready" } },
      contentType: merge,
    });
    expect(status.body.spec).toEqual({ size: 5, color: "blue" });
    const live = (await api.call("GET", `${crds}/gadgets.example.com`)).body;
    expect(
      (await api.call("PUT", `${crds}/gadgets.example.com`, { body: { ...gadgetCrd(3), metadata: live.metadata } }))
        .code,
    ).toBe(200);
    const recolored = await api.call("PATCH", `${gadgets}/big`, {
      body: { spec: { color: "red" } },
      contentType: merge,
    });
    expect(recolored.code).toBe(422);
    expect(recolored.body.message).toContain("spec.size");
  });
});
