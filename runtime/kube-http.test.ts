import { KubeConfig } from "@kubernetes/client-node";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiStatus, createKubeHttp, isTransientFailure } from "./kube-http.ts";

let server: http.Server;
let port: number;
const seen: { method?: string; url?: string; type?: string; auth?: string; body: string }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      seen.push({
        method: req.method,
        url: req.url,
        type: req.headers["content-type"],
        auth: req.headers.authorization,
        body,
      });
      res.setHeader("Content-Type", "application/json");
      if (req.url?.endsWith("/taken")) {
        res.statusCode = 409;
        return res.end(
          JSON.stringify({
            kind: "Status",
            status: "Failure",
            reason: "Conflict",
            message: 'Operation cannot be fulfilled on executions.kontinue.cloud "taken"',
            details: { name: "taken", group: "kontinue.cloud", kind: "executions" },
            code: 409,
          }),
        );
      }
      if (req.url?.endsWith("/stuck")) return; // accepts the request, never answers: a half-open connection
      if (req.url?.endsWith("/broken")) {
        res.statusCode = 503;
        return res.end("not json");
      }
      res.end(JSON.stringify({ echo: body === "" ? null : JSON.parse(body) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function kubeConfigFor(server: string): KubeConfig {
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: "c", server, skipTLSVerify: true }],
    users: [{ name: "u", token: "t0ken" }],
    contexts: [{ name: "x", cluster: "c", user: "u" }],
    currentContext: "x",
  });
  return config;
}

describe("createKubeHttp", () => {
  it("sends JSON with the kubeconfig's credentials and parses the answer", async () => {
    const send = createKubeHttp(kubeConfigFor(`http://127.0.0.1:${port}`));
    expect(
      await send({
        method: "PATCH",
        path: "/apis/g/v/things/a",
        body: { spec: { x: 1 } },
        contentType: "application/merge-patch+json",
      }),
    ).toEqual({ echo: { spec: { x: 1 } } });
    expect(seen.at(-1)).toMatchObject({
      method: "PATCH",
      url: "/apis/g/v/things/a",
      type: "application/merge-patch+json",
      auth: "Bearer t0ken",
    });
  });

  it(
    "turns a Status answer into a KubeApiError with its code, reason and details; 5xx and network failures are " +
      "transient",
    async () => {
      const send = createKubeHttp(kubeConfigFor(`http://127.0.0.1:${port}`));
      const conflict = await send({ method: "PUT", path: "/x/taken", body: {} }).catch((error: unknown) => error);
      expect(apiStatus(conflict)).toBe(409);
      expect(isTransientFailure(conflict)).toBe(false);
      expect(conflict).toMatchObject({
        reason: "Conflict",
        details: { name: "taken", group: "kontinue.cloud", kind: "executions" },
      });
      expect((conflict as Error).message).toBe(
        'PUT /x/taken failed: 409 Conflict: Operation cannot be fulfilled on executions.kontinue.cloud "taken"',
      );
      const unavailable = await send({ method: "GET", path: "/x/broken" }).catch((error: unknown) => error);
      expect(apiStatus(unavailable)).toBe(503);
      expect(isTransientFailure(unavailable)).toBe(true);
      const refused = await createKubeHttp(kubeConfigFor("http://127.0.0.1:1"))({ method: "GET", path: "/" }).catch(
        (error: unknown) => error,
      );
      expect(apiStatus(refused)).toBeUndefined();
      expect(isTransientFailure(refused)).toBe(true);
    },
  );

  it("abandons a request that gets no answer by its deadline, as a transient failure", async () => {
    const send = createKubeHttp(kubeConfigFor(`http://127.0.0.1:${port}`), { requestTimeoutMs: 200 });
    const started = Date.now();
    const stuck = await send({ method: "PUT", path: "/x/stuck", body: {} }).catch((error: unknown) => error);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((stuck as Error).message).toBe("PUT /x/stuck: no answer within 200 ms");
    expect(isTransientFailure(stuck)).toBe(true);
    expect(await send({ method: "GET", path: "/x/fine" })).toEqual({ echo: null });
  });
});
