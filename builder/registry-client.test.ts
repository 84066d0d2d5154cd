// The registry client against an in-process stand-in registry: the bearer-token challenge flow,
// retries on 5xx, 429 and connection resets (Retry-After), fresh upload sessions, Location forms,
// manifest PUT answers, bounded parallelism, an HTTP proxy and a private CA, and errors that name registry and
// repository.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { connect, type AddressInfo } from "node:net";
import { generate } from "selfsigned";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { isKontinueError } from "../runtime/index.ts";
import { limitConcurrency } from "./limit-concurrency.ts";
import { RegistryClient } from "./registry-client.ts";
import { registryDispatcher } from "./registry-dispatcher.ts";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const servers: Array<{ close: () => void }> = [];

async function standIn(handler: Handler): Promise<{ registry: string; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url} ${req.headers.authorization ?? "-"}`);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  return { registry: `127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

const noWait = async () => {};

describe("RegistryClient", () => {
  it("answers a Bearer challenge with a token for the repository's scope, using basic credentials", async () => {
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: {},
      layers: [],
    });
    let realm = "";
    const { registry, requests } = await standIn((req, res) => {
      if (req.url?.startsWith("/token")) {
        const url = new URL(req.url, "http://x");
        const ok =
          url.searchParams.get("service") === "stand-in" &&
          url.searchParams.get("scope") === "repository:acme/base:pull" &&
          req.headers.authorization === `Basic ${Buffer.from("me:secret").toString("base64")}`;
        res
          .writeHead(ok ? 200 : 401, { "content-type": "application/json" })
          .end(JSON.stringify(ok ? { token: "t0k" } : {}));
        return;
      }
      if (req.headers.authorization !== "Bearer t0k") {
        res
          .writeHead(401, {
            "www-authenticate": `Bearer realm="${realm}",service="stand-in",scope="repository:acme/base:pull"`,
          })
          .end();
        return;
      }
      res.writeHead(200, { "content-type": "application/vnd.oci.image.manifest.v1+json" }).end(manifest);
    });
    realm = `http://${registry}/token`;
    const client = new RegistryClient({
      registry,
      insecure: true,
      credentials: { kind: "basic", username: "me", password: "secret" },
      sleep: noWait,
    });
    const fetched = await client.getManifest("acme/base", "1");
    expect(fetched.mediaType).toBe("application/vnd.oci.image.manifest.v1+json");
    expect(fetched.data.toString()).toBe(manifest);
    expect(requests.filter((r) => r.startsWith("GET /v2/")).map((r) => r.split(" ").slice(2).join(" "))).toEqual([
      "-",
      "Bearer t0k",
    ]);
    await client.getManifest("acme/base", "1");
    expect(requests.filter((r) => r.startsWith("GET /token"))).toHaveLength(1);
  });

  it("retries with backoff on 5xx and on connection resets", async () => {
    let calls = 0;
    const waits: number[] = [];
    const { registry } = await standIn((req, res) => {
      calls++;
      if (calls === 1) return void req.socket.destroy();
      if (calls === 2) return void res.writeHead(503).end();
      res.writeHead(200, { "docker-content-digest": "sha256:abc" }).end();
    });
    const client = new RegistryClient({ registry, insecure: true, sleep: async (ms) => void waits.push(ms) });
    expect(await client.hasBlob("acme/fn", "sha256:abc")).toBe(true);
    expect(calls).toBe(3);
    expect(waits).toEqual([100, 200]);
  });

  it("gives up after its attempts with BUILD_REGISTRY_FAILED", async () => {
    const { registry } = await standIn((_req, res) => void res.writeHead(502).end());
    const client = new RegistryClient({ registry, insecure: true, attempts: 3, sleep: noWait });
    const error = await client.hasBlob("acme/fn", "sha256:abc").catch((e: unknown) => e);
    expect(isKontinueError(error, "BUILD_REGISTRY_FAILED")).toBe(true);
    expect((error as Error).message).toBe(`cannot look up blob sha256:abc in "acme/fn" on "${registry}": HTTP 502`);
  });

  it("turns 403 and 404 into errors naming registry and repository, with the registry's reason", async () => {
    const { registry } = await standIn((req, res) => {
      const body = (code: string, message: string) => JSON.stringify({ errors: [{ code, message }] });
      if (req.method === "PUT")
        res
          .writeHead(403, { "content-type": "application/json" })
          .end(body("DENIED", "requested access to the resource is denied"));
      else res.writeHead(404, { "content-type": "application/json" }).end(body("MANIFEST_UNKNOWN", "manifest unknown"));
    });
    const client = new RegistryClient({ registry, insecure: true, sleep: noWait });
    const denied = await client
      .putManifest("acme/fn", "latest", Buffer.from("{}"), "application/vnd.oci.image.manifest.v1+json")
      .catch((e: unknown) => e);
    expect(isKontinueError(denied, "BUILD_PUSH_DENIED")).toBe(true);
    expect((denied as Error).message).toBe(
      `cannot push manifest "latest" to "acme/fn" on "${registry}": 403 denied (DENIED requested access to the ` +
        `resource is denied); check that your account may push "acme/fn"`,
    );
    const missing = await client.getManifest("acme/base", "9").catch((e: unknown) => e);
    expect(isKontinueError(missing, "BUILD_IMAGE_NOT_FOUND")).toBe(true);
    expect((missing as Error).message).toContain(
      `"acme/base" on "${registry}": 404 not found (MANIFEST_UNKNOWN manifest unknown)`,
    );
  });

  it("follows a blob GET redirect to storage without sending the registry's credentials there", async () => {
    const storage = await standIn((_req, res) => void res.writeHead(200).end("blob bytes"));
    const { registry, requests } = await standIn((req, res) => {
      if (!req.headers.authorization)
        return void res.writeHead(401, { "www-authenticate": 'Basic realm="stand-in"' }).end();
      res.writeHead(307, { location: `http://${storage.registry}/store/abc` }).end();
    });
    const client = new RegistryClient({
      registry,
      insecure: true,
      credentials: { kind: "basic", username: "me", password: "pw" },
      sleep: noWait,
    });
    expect((await client.getBlob("acme/base", "sha256:abc")).toString()).toBe("blob bytes");
    expect(requests.at(-1)).toBe(`GET /v2/acme/base/blobs/sha256:abc Basic ${Buffer.from("me:pw").toString("base64")}`);
    expect(storage.requests).toEqual(["GET /store/abc -"]);
  });

  it("streams an upload body, re-opening the stream when an attempt fails", async () => {
    let puts = 0;
    const received: string[] = [];
    const { registry } = await standIn((req, res) => {
      if (req.method === "POST")
        return void res.writeHead(202, { location: "/v2/acme/fn/blobs/uploads/1?state=x" }).end();
      puts++;
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        received.push(`${req.url} ${req.headers["content-length"]} ${body}`);
        res.writeHead(puts === 1 ? 500 : 201).end();
      });
    });
    let opened = 0;
    const client = new RegistryClient({ registry, insecure: true, sleep: noWait });
    await client.uploadBlob("acme/fn", "sha256:abc", {
      size: 5,
      open: async () => (opened++, Readable.from([Buffer.from("he"), Buffer.from("llo")])),
    });
    expect(opened).toBe(2);
    expect(received).toEqual([
      "/v2/acme/fn/blobs/uploads/1?state=x&digest=sha256%3Aabc 5 hello",
      "/v2/acme/fn/blobs/uploads/1?state=x&digest=sha256%3Aabc 5 hello",
    ]);
  });

  it("trades an identity token for an access token with an OAuth2 refresh_token POST", async () => {
    let realm = "";
    const { registry, requests } = await standIn((req, res) => {
      if (req.url === "/oauth") {
        let body = "";
        req.on("data", (c: Buffer) => (body += c.toString()));
        req.on("end", () => {
          const form = new URLSearchParams(body);
          const ok =
            req.method === "POST" &&
            form.get("grant_type") === "refresh_token" &&
            form.get("refresh_token") === "id-tok" &&
            form.get("scope") === "repository:acme/fn:pull";
          res
            .writeHead(ok ? 200 : 400, { "content-type": "application/json" })
            .end(JSON.stringify(ok ? { access_token: "acc" } : {}));
        });
        return;
      }
      if (req.headers.authorization !== "Bearer acc")
        return void res.writeHead(401, { "www-authenticate": `Bearer realm="${realm}",service="svc"` }).end();
      res.writeHead(200).end();
    });
    realm = `http://${registry}/oauth`;
    const client = new RegistryClient({
      registry,
      insecure: true,
      credentials: { kind: "identityToken", token: "id-tok" },
      sleep: noWait,
    });
    expect(await client.hasBlob("acme/fn", "sha256:abc")).toBe(true);
    expect(requests.filter((r) => r.startsWith("POST /oauth"))).toHaveLength(1);
  });

  it("gets an anonymous bearer token for a public repository (as Docker Hub hands out)", async () => {
    let realm = "";
    const { registry, requests } = await standIn((req, res) => {
      if (req.url?.startsWith("/token"))
        return void res
          .writeHead(200, { "content-type": "application/json" })
          .end(JSON.stringify({ token: req.headers.authorization ? "" : "anon" }));
      if (req.headers.authorization !== "Bearer anon")
        return void res.writeHead(401, { "www-authenticate": `Bearer realm="${realm}",service="hub"` }).end();
      res.writeHead(200, { "docker-content-digest": "sha256:def" }).end();
    });
    realm = `http://${registry}/token`;
    const configDir = join(tmpdir(), `kontinue-no-docker-config-${process.pid}`);
    const previous = process.env.DOCKER_CONFIG;
    process.env.DOCKER_CONFIG = configDir;
    try {
      const client = new RegistryClient({ registry, insecure: true, sleep: noWait });
      expect(await client.headManifest("library/node", "24")).toBe("sha256:def");
    } finally {
      if (previous === undefined) delete process.env.DOCKER_CONFIG;
      else process.env.DOCKER_CONFIG = previous;
    }
    expect(requests.find((r) => r.startsWith("GET /token"))).toBe(
      "GET /token?service=hub&scope=repository%3Alibrary%2Fnode%3Apull -",
    );
  });

  it("waits as long as Retry-After asks on 429 and 503 (seconds or an HTTP date), at least the backoff", async () => {
    let calls = 0;
    const waits: number[] = [];
    const now = Date.parse("2026-01-01T00:00:00Z");
    const { registry } = await standIn((_req, res) => {
      calls++;
      if (calls === 1) return void res.writeHead(429, { "retry-after": "3" }).end();
      if (calls === 2) return void res.writeHead(503, { "retry-after": "Thu, 01 Jan 2026 00:00:07 GMT" }).end();
      if (calls === 3) return void res.writeHead(429, { "retry-after": "0" }).end();
      res.writeHead(200).end();
    });
    const client = new RegistryClient({
      registry,
      insecure: true,
      sleep: async (ms) => void waits.push(ms),
      now: () => now,
    });
    expect(await client.hasBlob("acme/fn", "sha256:abc")).toBe(true);
    expect(waits).toEqual([3000, 7000, 400]);
  });

  it("retries a failed upload PUT in a fresh upload session, not the one the registry dropped", async () => {
    let sessions = 0;
    const live = new Set<string>();
    const requests: string[] = [];
    const { registry } = await standIn((req, res) => {
      requests.push(`${req.method} ${req.url!.split("?")[0]}`);
      if (req.method === "POST") {
        const id = String(++sessions);
        live.add(id);
        return void res.writeHead(202, { location: `/v2/acme/fn/blobs/uploads/${id}` }).end();
      }
      const id = /uploads\/(\w+)/.exec(req.url!)![1]!;
      req.resume();
      req.on("end", () => {
        if (!live.delete(id))
          return void res
            .writeHead(404, { "content-type": "application/json" })
            .end('{"errors":[{"code":"BLOB_UPLOAD_UNKNOWN"}]}');
        res.writeHead(id === "1" ? 500 : 201).end();
      });
    });
    const client = new RegistryClient({ registry, insecure: true, sleep: noWait });
    await client.uploadBlob("acme/fn", "sha256:abc", Buffer.from("hello"));
    expect(requests).toEqual([
      "POST /v2/acme/fn/blobs/uploads/",
      "PUT /v2/acme/fn/blobs/uploads/1",
      "POST /v2/acme/fn/blobs/uploads/",
      "PUT /v2/acme/fn/blobs/uploads/2",
    ]);
  });

  it("resolves relative and absolute upload Locations, keeping their query strings byte for byte", async () => {
    const puts: string[] = [];
    const locations = ["3f2a?_state=a%20b~c+d%2F&x=1", "/v2/acme/fn/blobs/uploads/9?_state=Zm9v%3D", ""];
    let next = 0;
    const { registry, requests } = await standIn((req, res) => {
      if (req.method === "POST")
        return void res
          .writeHead(202, { location: locations[next++]! || `http://${req.headers.host}/upload/abs?sig=q%2Bw` })
          .end();
      puts.push(req.url!);
      req.resume();
      req.on("end", () => res.writeHead(201).end());
    });
    const client = new RegistryClient({ registry, insecure: true, sleep: noWait });
    for (let i = 0; i < 3; i++) await client.uploadBlob("acme/fn", "sha256:abc", Buffer.from("x"));
    expect(puts).toEqual([
      "/v2/acme/fn/blobs/uploads/3f2a?_state=a%20b~c+d%2F&x=1&digest=sha256%3Aabc",
      "/v2/acme/fn/blobs/uploads/9?_state=Zm9v%3D&digest=sha256%3Aabc",
      "/upload/abs?sig=q%2Bw&digest=sha256%3Aabc",
    ]);
    expect(requests.filter((r) => r.startsWith("POST"))).toHaveLength(3);
  });

  it("takes 200, 201 and 202 as answers to a manifest PUT", async () => {
    const statuses = [200, 201, 202];
    const { registry } = await standIn((req, res) => {
      req.resume();
      req.on("end", () => res.writeHead(statuses.shift()!).end());
    });
    const client = new RegistryClient({ registry, insecure: true, sleep: noWait });
    for (let i = 0; i < 3; i++)
      await client.putManifest("acme/fn", "latest", Buffer.from("{}"), "application/vnd.oci.image.manifest.v1+json");
    expect(statuses).toEqual([]);
  });

  it("keeps at most --jobs requests in flight", async () => {
    let inFlight = 0;
    let most = 0;
    const { registry } = await standIn((_req, res) => {
      most = Math.max(most, ++inFlight);
      setTimeout(() => {
        inFlight--;
        res.writeHead(200).end();
      }, 20);
    });
    const client = new RegistryClient({ registry, insecure: true, sleep: noWait, limit: limitConcurrency(2) });
    await Promise.all(Array.from({ length: 8 }, (_, i) => client.hasBlob("acme/fn", `sha256:${i}`)));
    expect(most).toBe(2);
  });

  it(
    "asks the token service for push on the target, pull on the mount source, and the challenge's own " + "scope",
    async () => {
      let realm = "";
      const { registry, requests } = await standIn((req, res) => {
        if (req.url?.startsWith("/token"))
          return void res.writeHead(200, { "content-type": "application/json" }).end('{"token":"t"}');
        if (req.headers.authorization !== "Bearer t")
          return void res
            .writeHead(401, {
              "www-authenticate": `Bearer realm="${realm}",service="s",scope="repository:acme/fn:push,pull"`,
            })
            .end();
        res.writeHead(201).end();
      });
      realm = `http://${registry}/token`;
      const client = new RegistryClient({
        registry,
        insecure: true,
        credentials: { kind: "basic", username: "u", password: "p" },
        sleep: noWait,
      });
      expect(await client.mountBlob("acme/fn", "sha256:abc", "acme/base")).toBe(true);
      const token = new URL(requests.find((r) => r.startsWith("GET /token"))!.split(" ")[1]!, "http://x");
      expect(token.searchParams.getAll("scope")).toEqual([
        "repository:acme/fn:pull,push",
        "repository:acme/base:pull",
        "repository:acme/fn:push,pull",
      ]);
    },
  );

  /** An HTTP CONNECT proxy; `tunnels` lists the host:port of every tunnel it opened. */
  async function connectProxy(): Promise<{ url: string; tunnels: string[] }> {
    const tunnels: string[] = [];
    const proxy = createServer();
    proxy.on("connect", (req: IncomingMessage, socket: import("node:net").Socket, head: Buffer) => {
      tunnels.push(req.url!);
      const [host, port] = req.url!.split(":");
      const upstream = connect(Number(port), host!, () => {
        socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        upstream.write(head);
        upstream.pipe(socket).pipe(upstream);
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    servers.push(proxy);
    return { url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, tunnels };
  }

  it("goes through HTTPS_PROXY/HTTP_PROXY unless NO_PROXY names the host", async () => {
    const { registry } = await standIn((_req, res) => void res.writeHead(200).end());
    const { url: proxyUrl, tunnels } = await connectProxy();
    const proxied = new RegistryClient({
      registry,
      insecure: true,
      sleep: noWait,
      dispatcher: registryDispatcher({ env: { HTTP_PROXY: proxyUrl, HTTPS_PROXY: proxyUrl } }),
    });
    expect(await proxied.hasBlob("acme/fn", "sha256:abc")).toBe(true);
    expect(tunnels).toEqual([registry]);
    const direct = new RegistryClient({
      registry,
      insecure: true,
      sleep: noWait,
      dispatcher: registryDispatcher({ env: { HTTP_PROXY: proxyUrl, NO_PROXY: "127.0.0.1" } }),
    });
    expect(await direct.hasBlob("acme/fn", "sha256:def")).toBe(true);
    expect(tunnels).toHaveLength(1);
  });

  it("trusts a private registry's CA given with --registry-ca, and only then", async () => {
    const ca = await generate([{ name: "commonName", value: "stand-in-ca" }], {
      keyType: "ec",
      algorithm: "sha256",
      extensions: [
        { name: "basicConstraints", cA: true, critical: true },
        { name: "keyUsage", keyCertSign: true, critical: true },
      ],
    });
    const cert = await generate([{ name: "commonName", value: "127.0.0.1" }], {
      keyType: "ec",
      algorithm: "sha256",
      ca: { key: ca.private, cert: ca.cert },
      extensions: [
        { name: "extKeyUsage", serverAuth: true },
        { name: "subjectAltName", altNames: [{ type: 7 as const, ip: "127.0.0.1" }] },
      ],
    });
    const server = createHttpsServer(
      { key: cert.private, cert: cert.cert },
      (_req, res) => void res.writeHead(200).end(),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    servers.push(server);
    const registry = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    const untrusted = new RegistryClient({
      registry,
      sleep: noWait,
      attempts: 1,
      dispatcher: registryDispatcher({ env: {} }),
    });
    const error = await untrusted.hasBlob("acme/fn", "sha256:abc").catch((e: unknown) => e);
    expect(isKontinueError(error, "BUILD_REGISTRY_UNREACHABLE")).toBe(true);
    expect((error as Error).message).toContain("--registry-ca <file.pem>");
    const trusted = new RegistryClient({
      registry,
      sleep: noWait,
      dispatcher: registryDispatcher({ env: {}, ca: ca.cert }),
    });
    expect(await trusted.hasBlob("acme/fn", "sha256:abc")).toBe(true);
    // The same CA is trusted for TLS tunnelled through an HTTPS_PROXY.
    const proxy = await connectProxy();
    const tunnelled = new RegistryClient({
      registry,
      sleep: noWait,
      dispatcher: registryDispatcher({ env: { HTTPS_PROXY: proxy.url }, ca: ca.cert }),
    });
    expect(await tunnelled.hasBlob("acme/fn", "sha256:def")).toBe(true);
    expect(proxy.tunnels).toEqual([registry]);
  });
});
