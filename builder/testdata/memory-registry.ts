// An in-process, read-only registry stand-in for unit tests: serves manifests and blobs put into it,
// and lets a test tamper with what it answers.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { jsonBlob, type Blob } from "../blob.ts";

export interface MemoryRegistry {
  registry: string;
  /** Stores a blob in `repository`. */
  blob(repository: string, blob: Blob): void;
  /** Stores a manifest under its digest and, when given, a tag. */
  manifest(repository: string, value: unknown, mediaType: string, tag?: string): Blob;
  /** Replaces what a path answers (e.g. another manifest under the same digest). */
  override(path: string, body: Buffer, contentType: string): void;
  close(): Promise<void>;
}

export async function startMemoryRegistry(): Promise<MemoryRegistry> {
  const answers = new Map<string, { body: Buffer; contentType: string }>();
  const server: Server = createServer((req, res) => {
    const answer = answers.get(req.url ?? "");
    if (!answer) return void res.writeHead(404, { "content-type": "application/json" }).end('{"errors":[{"code":"NOT_FOUND"}]}');
    res.writeHead(200, { "content-type": answer.contentType, "content-length": answer.body.length });
    res.end(req.method === "HEAD" ? undefined : answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    registry: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    blob(repository, blob) {
      answers.set(`/v2/${repository}/blobs/${blob.descriptor.digest}`, { body: blob.data, contentType: "application/octet-stream" });
    },
    manifest(repository, value, mediaType, tag) {
      const blob = jsonBlob(value, mediaType);
      for (const reference of [blob.descriptor.digest, ...(tag ? [tag] : [])]) answers.set(`/v2/${repository}/manifests/${reference}`, { body: blob.data, contentType: mediaType });
      return blob;
    },
    override(path, body, contentType) {
      answers.set(path, { body, contentType });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
