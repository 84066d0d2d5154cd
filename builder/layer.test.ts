import { gunzipSync } from "node:zlib";
import { extract } from "tar-stream";
import { describe, expect, it } from "vitest";
import { createLayer, sourceDateEpoch, type LayerEntry } from "./layer.ts";

const entries: LayerEntry[] = [
  { type: "file", path: "app/index.mjs", data: Buffer.from("console.log(1)\n") },
  { type: "file", path: "/app/package.json", data: Buffer.from('{"type":"module"}\n') },
  { type: "symlink", path: "app/link", target: "index.mjs" },
];

async function headers(
  gz: Buffer,
): Promise<Array<{ name: string; uid: number; gid: number; mtime: number; type: string }>> {
  const found: Array<{ name: string; uid: number; gid: number; mtime: number; type: string }> = [];
  const tar = extract();
  tar.on("entry", (header, stream, next) => {
    found.push({
      name: header.name,
      uid: header.uid ?? -1,
      gid: header.gid ?? -1,
      mtime: header.mtime?.getTime() ?? -1,
      type: header.type ?? "",
    });
    stream.on("end", next);
    stream.resume();
  });
  const done = new Promise<void>((resolve) => tar.on("finish", () => resolve()));
  tar.end(gunzipSync(gz));
  await done;
  return found;
}

describe("createLayer", () => {
  it("gives byte-identical layers whatever the input order", async () => {
    const a = await createLayer(entries, { mtime: 0 });
    const b = await createLayer([...entries].reverse(), { mtime: 0 });
    expect(b.blob.descriptor.digest).toBe(a.blob.descriptor.digest);
    expect(b.diffId).toBe(a.diffId);
    expect(a.blob.descriptor.mediaType).toBe("application/vnd.oci.image.layer.v1.tar+gzip");
  });

  it("writes sorted entries with parent folders, root owner and the fixed mtime", async () => {
    const layer = await createLayer(entries, { mtime: 1_700_000_000 });
    const found = await headers(layer.blob.data);
    expect(found.map((h) => h.name)).toEqual(["app/", "app/index.mjs", "app/link", "app/package.json"]);
    expect(new Set(found.map((h) => `${h.uid}:${h.gid}:${h.mtime}`))).toEqual(new Set(["0:0:1700000000000"]));
  });

  it("writes a gzip header without a timestamp", async () => {
    const layer = await createLayer(entries, { mtime: 0 });
    expect(layer.blob.data.readUInt32LE(4)).toBe(0);
    expect(layer.blob.data[9]).toBe(3);
  });

  it("changes the digest with the timestamp, and reads SOURCE_DATE_EPOCH", async () => {
    const a = await createLayer(entries, { mtime: 0 });
    const b = await createLayer(entries, { mtime: 86_400 });
    expect(b.blob.descriptor.digest).not.toBe(a.blob.descriptor.digest);
    expect(sourceDateEpoch({ SOURCE_DATE_EPOCH: "86400" })).toBe(86_400);
    expect(sourceDateEpoch({})).toBe(0);
    expect(sourceDateEpoch({ SOURCE_DATE_EPOCH: "soon" })).toBe(0);
  });
});
