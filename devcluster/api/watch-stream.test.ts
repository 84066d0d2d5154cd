// Watch semantics: initial ADDED, resume from a resourceVersion, selector transitions, bookmarks, timeouts, Tables.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevClusterHttp, widget, widgetCrd, widgets } from "../../test/fixtures/devcluster-http.ts";
import type { DevClusterHttp } from "../../test/fixtures/devcluster-http.ts";
import { waitFor } from "../../test/fixtures/wait-for.ts";

let api: DevClusterHttp;
const merge = "application/merge-patch+json";
const tableAccept =
  "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

beforeAll(async () => {
  api = await startDevClusterHttp({ bookmarkIntervalMillis: 100 });
  await api.call("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", { body: widgetCrd() });
});
afterAll(() => api.close());

const summary = (events: { type: string; object: any }[]) =>
  events.map((event) => `${event.type} ${event.object.metadata?.name ?? ""}`);

describe("watch", () => {
  it("without resourceVersion sends ADDED for what exists, then live changes including DELETED", async () => {
    await api.call("POST", "/api/v1/namespaces", { body: { metadata: { name: "live" } } });
    const path = "/api/v1/namespaces/live/configmaps";
    await api.call("POST", path, { body: { metadata: { name: "first" } } });
    const watch = await api.watch(`${path}?watch=true`);
    await waitFor("the initial event", () => watch.events.length === 1);
    await api.call("PATCH", `${path}/first`, { body: { data: { a: "1" } }, contentType: merge });
    const deleted = await api.call("DELETE", `${path}/first`);
    await waitFor("three events", () => watch.events.length === 3);
    expect(summary(watch.events)).toEqual(["ADDED first", "MODIFIED first", "DELETED first"]);
    expect(watch.events[0]!.object).toMatchObject({ apiVersion: "v1", kind: "ConfigMap" });
    expect(Number(watch.events[2]!.object.metadata.resourceVersion)).toBeGreaterThan(
      Number(watch.events[1]!.object.metadata.resourceVersion),
    );
    expect(deleted.code).toBe(200);
    watch.close();
  });

  it("from a resourceVersion sends only later changes", async () => {
    const created = (await api.call("POST", widgets, { body: widget("resumed") })).body;
    await api.call("PATCH", `${widgets}/resumed`, { body: { spec: { size: 2 } }, contentType: merge });
    const watch = await api.watch(`${widgets}?watch=true&resourceVersion=${created.metadata.resourceVersion}`);
    await waitFor("the modification", () => watch.events.some((event) => event.object.metadata.name === "resumed"));
    expect(summary(watch.events).filter((line) => line.endsWith("resumed"))).toEqual(["MODIFIED resumed"]);
    watch.close();
  });

  it("with a label selector turns relabels into ADDED and DELETED", async () => {
    await api.call("POST", widgets, { body: widget("relabelled", { size: 1 }, { labels: { tier: "gold" } }) });
    const watch = await api.watch(`${widgets}?watch=true&labelSelector=${encodeURIComponent("tier=gold")}`);
    await waitFor("the initial event", () => watch.events.length === 1);
    await api.call("PATCH", `${widgets}/relabelled`, {
      body: { metadata: { labels: { tier: "silver" } } },
      contentType: merge,
    });
    await api.call("PATCH", `${widgets}/relabelled`, { body: { spec: { size: 3 } }, contentType: merge });
    await api.call("PATCH", `${widgets}/relabelled`, {
      body: { metadata: { labels: { tier: "gold" } } },
      contentType: merge,
    });
    await waitFor("three events", () => watch.events.length === 3);
    expect(summary(watch.events)).toEqual(["ADDED relabelled", "DELETED relabelled", "ADDED relabelled"]);
    watch.close();
  });

  it("with a field selector on metadata.name follows one object", async () => {
    await api.call("POST", widgets, { body: widget("followed") });
    await api.call("POST", widgets, { body: widget("ignored") });
    const watch = await api.watch(`${widgets}?watch=true&resourceVersion=0&fieldSelector=metadata.name%3Dfollowed`);
    await waitFor("the initial event", () => watch.events.length === 1);
    await api.call("PATCH", `${widgets}/ignored`, { body: { spec: { size: 7 } }, contentType: merge });
    await api.call("PATCH", `${widgets}/followed`, { body: { spec: { size: 7 } }, contentType: merge });
    await waitFor("the modification", () => watch.events.length === 2);
    expect(summary(watch.events)).toEqual(["ADDED followed", "MODIFIED followed"]);
    watch.close();
  });

  it("sends BOOKMARKs only when asked, and ends at timeoutSeconds", async () => {
    const plain = await api.watch(`${widgets}?watch=true&resourceVersion=999999&timeoutSeconds=1`);
    const bookmarked = await api.watch(
      `${widgets}?watch=true&resourceVersion=999999&allowWatchBookmarks=true&timeoutSeconds=1`,
    );
    await Promise.all([plain.ended, bookmarked.ended]);
    expect(plain.events).toEqual([]);
    expect(bookmarked.events.length).toBeGreaterThan(0);
    expect(
      bookmarked.events.every(
        (event) => event.type === "BOOKMARK" && /^\d+$/.test(event.object.metadata.resourceVersion),
      ),
    ).toBe(true);
  });

  it("as Table sends one-row Tables with column definitions on the first event only", async () => {
    await api.call("POST", widgets, { body: widget("tabled", { size: 4 }) });
    const watch = await api.watch(`${widgets}?watch=true&fieldSelector=metadata.name%3Dtabled`, {
      accept: tableAccept,
    });
    await waitFor("the initial event", () => watch.events.length === 1);
    await api.call("PATCH", `${widgets}/tabled`, { body: { spec: { size: 5 } }, contentType: merge });
    await waitFor("the modification", () => watch.events.length === 2);
    const [first, second] = watch.events as {
      object: { kind: string; columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] };
    }[];
    expect(first!.object.kind).toBe("Table");
    expect(first!.object.columnDefinitions.map((column) => column.name)).toEqual(["Name", "Size"]);
    expect(first!.object.rows[0]!.cells).toEqual(["tabled", 4]);
    expect(second!.object.columnDefinitions).toEqual([]);
    expect(second!.object.rows[0]!.cells).toEqual(["tabled", 5]);
    watch.close();
  });

  it("refuses a malformed resourceVersion with 400", async () => {
    expect((await api.call("GET", `${widgets}?watch=true&resourceVersion=abc`)).code).toBe(400);
  });
});
