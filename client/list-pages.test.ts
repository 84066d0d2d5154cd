import { describe, expect, it } from "vitest";
import { KubeApiError } from "../runtime/kube-http.ts";
import { listAll, type Page, type PageRequest } from "./list-pages.ts";

const objects = ["a", "b", "c", "d", "e"];

/** A server of `objects` in pages; `failWith` answers the request with that index instead. */
function pages(failWith: Map<number, KubeApiError> = new Map()) {
  const requests: PageRequest[] = [];
  const fetchPage = async (request: PageRequest): Promise<Page<string>> => {
    const failure = failWith.get(requests.length);
    requests.push(request);
    if (failure) throw failure;
    const from = request.continue === undefined ? 0 : Number(request.continue);
    const to = request.limit === undefined ? objects.length : Math.min(objects.length, from + request.limit);
    return {
      items: objects.slice(from, to),
      resourceVersion: `rv-${requests.length}`,
      ...(to < objects.length ? { continue: String(to) } : {}),
    };
  };
  return { fetchPage, requests };
}

const gone = (reason: string) => new KubeApiError({ method: "GET", path: "/x" }, 410, reason, "too old");

describe("listAll", () => {
  it("reads page after page at the first page's resourceVersion; chunkSize 0 is one request", async () => {
    const paged = pages();
    expect(await listAll(paged.fetchPage, { chunkSize: 2 })).toEqual({ items: objects, resourceVersion: "rv-1" });
    expect(paged.requests).toEqual([{ limit: 2 }, { limit: 2, continue: "2" }, { limit: 2, continue: "4" }]);
    const whole = pages();
    expect((await listAll(whole.fetchPage, { chunkSize: 0 })).items).toEqual(objects);
    expect(whole.requests).toEqual([{}]);
  });

  it("restarts as one unpaged list when a continue token has expired", async () => {
    const paged = pages(new Map([[1, gone("Expired")]]));
    expect(await listAll(paged.fetchPage, { chunkSize: 2 })).toEqual({ items: objects, resourceVersion: "rv-3" });
    expect(paged.requests).toEqual([{ limit: 2 }, { limit: 2, continue: "2" }, {}]);
  });

  it("passes on a 410 of the first page, one that is not Expired, and refuses a negative chunk size", async () => {
    await expect(listAll(pages(new Map([[0, gone("Expired")]])).fetchPage)).rejects.toMatchObject({ status: 410 });
    await expect(listAll(pages(new Map([[1, gone("Gone")]])).fetchPage, { chunkSize: 2 })).rejects.toMatchObject({
      reason: "Gone",
    });
    await expect(listAll(pages().fetchPage, { chunkSize: -1 })).rejects.toMatchObject({
      code: "CLIENT_BAD_ARGUMENT",
      message: expect.stringContaining("use 0 or more"),
    });
  });
});
