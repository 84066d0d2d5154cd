// A content-addressed blob held in memory: bytes plus their OCI descriptor.
import { createHash } from "node:crypto";
import type { Descriptor } from "./oci-types.ts";

export interface Blob {
  readonly descriptor: Descriptor;
  readonly data: Buffer;
}

export function sha256Digest(data: Buffer | string): string {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

export function createBlob(data: Buffer, mediaType: string): Blob {
  return { descriptor: { mediaType, digest: sha256Digest(data), size: data.length }, data };
}

/** Canonical JSON bytes for manifests and configs (stable key order as written). */
export function jsonBlob(value: unknown, mediaType: string): Blob {
  return createBlob(Buffer.from(JSON.stringify(value)), mediaType);
}
