// The image registry `kontinue dev` serves on loopback when no --registry is given: the OCI distribution API
// subset the builder pushes with and devcluster's node pulls with (blobs, monolithic uploads, mounts, manifests),
// content-addressed under `<dir>` so images survive restarts. Loopback, so plain HTTP, as a local kind registry.
import { createHash, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";

export interface DevRegistry {
  /** `127.0.0.1:<port>`, as image references name it. */
  host: string;
  close(): Promise<void>;
}

const ROUTE = /^\/v2\/(?<name>.+?)\/(?<kind>manifests|blobs\/uploads|blobs)\/?(?<reference>[^/]*)$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

export async function startDevRegistry(options: { dir: string; port?: number }): Promise<DevRegistry> {
  const { dir } = options;
  await Promise.all(["blobs", "tags", "uploads"].map((sub) => mkdir(join(dir, sub), { recursive: true })));
  const blobPath = (digest: string) => join(dir, "blobs", digest.replace(":", "-"));
  const tagPath = (name: string, tag: string) => join(dir, "tags", encodeURIComponent(name), encodeURIComponent(tag));

  const storeBlob = async (data: Buffer, mediaType?: string): Promise<string> => {
    const digest = `sha256:${createHash("sha256").update(data).digest("hex")}`;
    const temporary = join(dir, "uploads", randomUUID());
    await writeFile(temporary, data);
    await rename(temporary, blobPath(digest));
    if (mediaType) await writeFile(`${blobPath(digest)}.type`, mediaType);
    return digest;
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? "/", "http://registry");
    const method = request.method ?? "GET";
    if (url.pathname === "/v2/" || url.pathname === "/v2") return reply(response, 200, {}, "{}");
    const route = ROUTE.exec(url.pathname)?.groups;
    if (!route) return error(response, 404, "NAME_UNKNOWN", `no route for ${url.pathname}`);
    const { name, kind, reference = "" } = route as { name: string; kind: string; reference?: string };
    const body = method === "PUT" || method === "POST" || method === "PATCH" ? await readBody(request) : undefined;

    if (kind === "blobs/uploads") {
      const digest = url.searchParams.get("digest") ?? url.searchParams.get("mount");
      if (method === "POST" && url.searchParams.has("mount")) {
        if (digest && existsSync(blobPath(digest))) return reply(response, 201, { "docker-content-digest": digest });
        return reply(response, 202, { location: `/v2/${name}/blobs/uploads/${randomUUID()}` });
      }
      if (method === "POST" && !digest)
        return reply(response, 202, { location: `/v2/${name}/blobs/uploads/${randomUUID()}` });
      if (method === "DELETE") return reply(response, 204, {});
      if ((method === "PUT" || method === "POST") && digest && DIGEST.test(digest)) {
        const stored = await storeBlob(body ?? Buffer.alloc(0));
        if (stored !== digest) return error(response, 400, "DIGEST_INVALID", `the upload's digest is ${stored}`);
        return reply(response, 201, { "docker-content-digest": digest, location: `/v2/${name}/blobs/${digest}` });
      }
      return error(response, 400, "BLOB_UPLOAD_INVALID", "only monolithic uploads (PUT with ?digest=) are served");
    }

    if (kind === "blobs") {
      const path = DIGEST.test(reference) ? blobPath(reference) : undefined;
      const info = path ? await stat(path).catch(() => undefined) : undefined;
      if (!path || !info) return error(response, 404, "BLOB_UNKNOWN", `blob ${reference} is not here`);
      const headers = { "content-length": String(info.size), "docker-content-digest": reference };
      if (method === "HEAD") return reply(response, 200, headers);
      return reply(response, 200, { ...headers, "content-type": "application/octet-stream" }, await readFile(path));
    }

    if (method === "PUT") {
      const mediaType = String(request.headers["content-type"] ?? "application/vnd.oci.image.manifest.v1+json");
      const digest = await storeBlob(body ?? Buffer.alloc(0), mediaType);
      if (!DIGEST.test(reference)) {
        await mkdir(join(dir, "tags", encodeURIComponent(name)), { recursive: true });
        await writeFile(tagPath(name, reference), digest);
      }
      return reply(response, 201, { "docker-content-digest": digest, location: `/v2/${name}/manifests/${digest}` });
    }
    const digest = DIGEST.test(reference)
      ? reference
      : await readFile(tagPath(name, reference), "utf8").catch(() => undefined);
    const data = digest ? await readFile(blobPath(digest)).catch(() => undefined) : undefined;
    if (!digest || !data) return error(response, 404, "MANIFEST_UNKNOWN", `manifest ${name}:${reference} is not here`);
    const headers = {
      "content-type": await readFile(`${blobPath(digest)}.type`, "utf8"),
      "content-length": String(data.length),
      "docker-content-digest": digest,
    };
    return reply(response, 200, headers, method === "HEAD" ? undefined : data);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((cause: unknown) =>
      error(response, 500, "UNKNOWN", cause instanceof Error ? cause.message : String(cause)),
    );
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    host,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function reply(response: ServerResponse, status: number, headers: Record<string, string>, body?: Buffer | string) {
  if (response.headersSent) return;
  response.writeHead(
    status,
    body === undefined ? headers : { "content-length": String(Buffer.byteLength(body)), ...headers },
  );
  response.end(body);
}

function error(response: ServerResponse, status: number, code: string, message: string): void {
  reply(response, status, { "content-type": "application/json" }, JSON.stringify({ errors: [{ code, message }] }));
}
