// The Execution name an idempotency key stands for: the same function and key always give the same name, so
// the API server itself refuses a second create (409 AlreadyExists) however many clients race.
import { createHash } from "node:crypto";
import { toResourceName } from "../crds/index.ts";

const hashLength = 16;
/** Names stay label-sized (63), so they can be used in label values and Pod names. */
const maxNameLength = 63;

/** `<function's resource name>-<16 hex digits of sha256(function, key)>`, e.g. `process-order-1f0c…`. */
export function idempotentName(functionName: string, idempotencyKey: string): string {
  const digest = createHash("sha256").update(`${functionName}\0${idempotencyKey}`).digest("hex").slice(0, hashLength);
  const prefix = toResourceName(functionName)
    .slice(0, maxNameLength - hashLength - 1)
    .replace(/-+$/, "");
  return `${prefix}-${digest}`;
}
