// The image a worker run from source stands for: the digest of its file, so an edit is a new image
// (which is what rescues an execution parked by a non-determinism error).
import { createHash } from "node:crypto";

export function sourceImageOf(source: Uint8Array): string {
  return `source:sha256:${createHash("sha256").update(source).digest("hex")}`;
}
