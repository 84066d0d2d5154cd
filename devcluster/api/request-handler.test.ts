// The HTTP surface: authentication, discovery, OpenAPI, media types, lists (pagination, selectors, Tables).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevClusterHttp, widget, widgetCrd, widgets } from "../../test/fixtures/devcluster-http.ts";
import type { DevClusterHttp } from "../../test/fixtures/devcluster-http.ts";

let api: DevClusterHttp;
const tableAccept =
  "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

beforeAll(async () => {
  api = await startDevClusterHttp();
  await api.call("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", { body: widgetCrd() });
});
afterAll(() => api.close());

describe("authentication", () => {
  it("answers 401 Status without the bearer token or with a wrong one", async () => {
    for (const token of [null, "wrong"]) {
      const answer = await api.call("GET", "/api/v1/namespaces", { token });
      expect(answer.code).toBe(401);
      expect(answer.body).toMatchObject({ kind: "Status", code: 401, reason: "Unauthorized" });
      expect(answer.headers["content-type"]).toBe("application/json");
    }
  });
});

describe("discovery", () => {
  it("serves /version, /api, /apis and group-version resource lists, main resources before subresources", async () => {
    expect((await api.call("GET", "/version")).body).toMatchObject({
      major: "1",
      gitVersion: expect.stringMatching(/^v1\./),
    });
    expect((await api.call("GET", "/api")).body).toMatchObject({ kind: "APIVersions", versions: ["v1"] });
    const groups = (await api.call("GET", "/apis")).body;
    expect(groups.kind).toBe("APIGroupList");
    expect(groups.groups.map((group: { name: string }) => group.name)).toEqual(
      expect.arrayContaining(["apps", "apiextensions.k8s.io", "example.com"]),
    );
    const apps = (await api.call("GET", "/apis/apps/v1")).body;
    expect(apps.resources.map((resource: { name: string }) => resource.name)).toEqual([
      "deployments",
      "deployments/status",
      "deployments/scale",
      "replicasets",
      "replicasets/status",
      "replicasets/scale",
    ]);
    const example = (await api.call("GET", "/apis/example.com/v1")).body;
    expect(example.resources[0]).toMatchObject({
      name: "widgets",
      singularName: "widget",
      namespaced: true,
      kind: "Widget",
      shortNames: ["wd"],
      categories: ["toys"],
    });
    expect((await api.call("GET", "/apis/example.com")).body).toMatchObject({
      kind: "APIGroup",
      preferredVersion: { groupVersion: "example.com/v1" },
    });
  });

  it("serves OpenAPI v3 for every group-version, an empty protobuf v2 document, ok for health checks", async () => {
    const index = (await api.call("GET", "/openapi/v3")).body;
    expect(Object.keys(index.paths)).toEqual(expect.arrayContaining(["api/v1", "apis/apps/v1", "apis/example.com/v1"]));
    const document = await api.call("GET", index.paths["apis/example.com/v1"].serverRelativeURL);
    expect(document.code).toBe(200);
    expect(JSON.stringify(document.body)).toContain("x-kubernetes-group-version-kind");
    const v2 = await api.call("GET", "/openapi/v2");
    expect(v2.code).toBe(200);
    expect(v2.headers["content-type"]).toBe("application/com.github.proto-openapi.spec.v2.v1.0+protobuf");
    expect((await api.call("GET", "/healthz")).body).toBe("ok");
  });

  it("answers 404 Status for unknown routes and resources", async () => {
    for (const path of ["/nothing", "/apis/example.com/v1/namespaces/default/gadgets", "/apis/nowhere.io/v1"]) {
      expect((await api.call("GET", path)).body).toMatchObject({ kind: "Status", code: 404, reason: "NotFound" });
    }
  });
});

describe("media types", () => {
  it("refuses protobuf with a Status that names kubectl apply -f", async () => {
    const answer = await api.call("POST", "/api/v1/namespaces/default/configmaps", {
      body: Buffer.from("k8s\0\n\x0c\n\x02v1\x12\x06Config"),
      contentType: "application/vnd.kubernetes.protobuf",
    });
    expect(answer.code).toBe(415);
    expect(answer.body.message).toContain("kubectl apply -f");
  });

  it("refuses bodies over 3 MiB with 413", async () => {
    const body = JSON.stringify({ metadata: { name: "huge" }, data: { blob: "x".repeat(3.5 * 1024 * 1024) } });
    const answer = await api.call("POST", "/api/v1/namespaces/default/configmaps", { body });
    expect(answer.body).toMatchObject({ code: 413, reason: "RequestEntityTooLarge" });
  });

  it("reads bodies without a Content-Type as JSON, and malformed ones as 400", async () => {
    expect(
      (
        await api.call("POST", "/api/v1/namespaces/default/configmaps", {
          body: JSON.stringify({ metadata: { name: "untyped" } }),
          contentType: "",
        })
      ).code,
    ).toBe(201);
    expect(
      (await api.call("POST", "/api/v1/namespaces/default/configmaps", { body: "{", contentType: "application/json" }))
        .body,
    ).toMatchObject({ code: 400, reason: "BadRequest" });
  });
});

describe("list", () => {
  beforeAll(async () => {
    for (const namespace of ["list-b", "list-a"]) {
      await api.call("POST", "/api/v1/namespaces", { body: { metadata: { name: namespace } } });
      for (const name of ["z", "m", "a"]) {
        const created = await api.call("POST", `/apis/example.com/v1/namespaces/${namespace}/widgets`, {
          body: widget(name, { size: name.charCodeAt(0) }, { labels: { letter: name } }),
        });
        expect(created.body.metadata?.name, JSON.stringify(created.body)).toBe(name);
      }
    }
  });

  it("orders by namespace then name; custom-resource items carry apiVersion and kind", async () => {
    const list = (await api.call("GET", "/apis/example.com/v1/widgets?labelSelector=letter")).body;
    expect(list).toMatchObject({ kind: "WidgetList", apiVersion: "example.com/v1" });
    expect(
      list.items.map(
        (item: { metadata: { namespace: string; name: string } }) => `${item.metadata.namespace}/${item.metadata.name}`,
      ),
    ).toEqual(["list-a/a", "list-a/m", "list-a/z", "list-b/a", "list-b/m", "list-b/z"]);
    expect(list.items[0]).toMatchObject({ apiVersion: "example.com/v1", kind: "Widget" });
  });

  it("built-in list items carry no apiVersion or kind", async () => {
    const list = (await api.call("GET", "/api/v1/namespaces")).body;
    expect(list.kind).toBe("NamespaceList");
    expect(list.items[0].apiVersion).toBeUndefined();
    expect(list.items[0].kind).toBeUndefined();
  });

  it("pages with limit and continue, every page at the first page's resourceVersion", async () => {
    const first = (await api.call("GET", "/apis/example.com/v1/namespaces/list-a/widgets?limit=2")).body;
    expect(first.items).toHaveLength(2);
    expect(first.metadata.remainingItemCount).toBe(1);
    await api.call("POST", "/apis/example.com/v1/namespaces/list-a/widgets", { body: widget("zz") });
    const second = (
      await api.call(
        "GET",
        `/apis/example.com/v1/namespaces/list-a/widgets?limit=2` +
          `&continue=${encodeURIComponent(first.metadata.continue)}`,
      )
    ).body;
    expect(second.items.map((item: { metadata: { name: string } }) => item.metadata.name)).toEqual(["z", "zz"]);
    expect(second.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
    expect((await api.call("GET", "/apis/example.com/v1/widgets?continue=garbage")).code).toBe(400);
  });

  it("filters by label and field selectors; unsupported fields and bad selectors are 400", async () => {
    const byLabel = (
      await api.call("GET", `/apis/example.com/v1/widgets?labelSelector=${encodeURIComponent("letter in (a,z)")}`)
    ).body;
    expect(byLabel.items).toHaveLength(4);
    const byField = (
      await api.call("GET", "/apis/example.com/v1/widgets?fieldSelector=metadata.namespace%3Dlist-b,metadata.name!%3Dm")
    ).body;
    expect(byField.items.map((item: { metadata: { name: string } }) => item.metadata.name)).toEqual(["a", "z"]);
    const unsupported = await api.call("GET", "/apis/example.com/v1/widgets?fieldSelector=spec.size%3D1");
    expect(unsupported.body).toMatchObject({ code: 400 });
    expect(unsupported.body.message).toContain("field label not supported");
    expect(
      (await api.call("GET", `/apis/example.com/v1/widgets?labelSelector=${encodeURIComponent("a in (")}`)).code,
    ).toBe(400);
  });

  it("answers kubectl's Table requests with the printer columns", async () => {
    const table = (
      await api.call("GET", "/apis/example.com/v1/namespaces/list-b/widgets?limit=500", { accept: tableAccept })
    ).body;
    expect(table).toMatchObject({ kind: "Table", apiVersion: "meta.k8s.io/v1" });
    expect(table.columnDefinitions.map((column: { name: string }) => column.name)).toEqual(["Name", "Size"]);
    expect(table.rows.map((row: { cells: unknown[] }) => row.cells)).toEqual([
      ["a", 97],
      ["m", 109],
      ["z", 122],
    ]);
    expect(table.rows[0].object).toMatchObject({ kind: "PartialObjectMetadata", metadata: { name: "a" } });
    const one = (await api.call("GET", "/apis/example.com/v1/namespaces/list-b/widgets/m", { accept: tableAccept }))
      .body;
    expect(one.rows).toHaveLength(1);
  });
});

describe("cluster-scoped and namespaced paths", () => {
  it("lists namespaced resources across namespaces and refuses namespaced paths for cluster-scoped kinds", async () => {
    expect((await api.call("GET", widgets.replace("/namespaces/default", ""))).code).toBe(200);
    expect(
      (await api.call("GET", "/apis/apiextensions.k8s.io/v1/namespaces/default/customresourcedefinitions")).code,
    ).toBe(404);
    expect((await api.call("POST", "/apis/example.com/v1/widgets", { body: widget("nowhere") })).code).toBe(404);
  });
});

describe("expired continue tokens", () => {
  it("answer 410 Expired once compacted, with a token that goes on at the latest version", async () => {
    const short = await startDevClusterHttp({ historyMillis: 50 });
    try {
      for (const name of ["a", "b"])
        await short.call("POST", "/api/v1/namespaces/default/configmaps", { body: { metadata: { name } } });
      const first = (await short.call("GET", "/api/v1/namespaces/default/configmaps?limit=1")).body;
      await short.call("POST", "/api/v1/namespaces/default/configmaps", { body: { metadata: { name: "c" } } });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const next = await short.call(
        "GET",
        `/api/v1/namespaces/default/configmaps?limit=1&continue=${encodeURIComponent(first.metadata.continue)}`,
      );
      expect(next.body).toMatchObject({ kind: "Status", code: 410, reason: "Expired" });
      // kube-apiserver's handleCompactedErrorForPaging: metadata.continue resumes after "a" at the latest version.
      const resumed = await short.call(
        "GET",
        `/api/v1/namespaces/default/configmaps?continue=${encodeURIComponent(next.body.metadata.continue)}`,
      );
      expect(resumed.code).toBe(200);
      expect(resumed.body.items.map((item: { metadata: { name: string } }) => item.metadata.name)).toEqual(["b", "c"]);
      expect(Number(resumed.body.metadata.resourceVersion)).toBeGreaterThan(Number(first.metadata.resourceVersion));
    } finally {
      await short.close();
    }
  });
});
