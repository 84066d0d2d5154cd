// Create-or-update of an object the controller owns. The desired state's hash is kept in an annotation,
// so server-side defaults never look like drift and a field removed from the desired state is noticed.
import { createHash } from "node:crypto";
import type { V1ObjectMeta } from "@kubernetes/client-node";
import type { ResourceClient } from "../runtime/index.ts";

export const DESIRED_HASH_ANNOTATION = "kontinue.cloud/desired-hash";

export type ApplyOutcome = "created" | "updated" | "unchanged";

type Object = { metadata: V1ObjectMeta };

export function desiredHash(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 16);
}

/**
 * Makes the stored object match `desired`: creates it when `current` (the cached copy) is undefined, PUTs
 * it (guarded by the cached resourceVersion) when the hash of `hashed` (default: `desired`) changed.
 */
export async function applyObject<T extends Object>(options: {
  client: ResourceClient<T>;
  desired: T;
  current: T | undefined;
  hashed?: unknown;
}): Promise<{ outcome: ApplyOutcome; object: T }> {
  const { client, desired, current } = options;
  const hash = desiredHash(options.hashed ?? desired);
  const annotations = { ...desired.metadata.annotations, [DESIRED_HASH_ANNOTATION]: hash };
  if (current === undefined) {
    const created = await client.create(desired.metadata.namespace!, {
      ...desired,
      metadata: { ...desired.metadata, annotations },
    });
    return { outcome: "created", object: created };
  }
  if (current.metadata.annotations?.[DESIRED_HASH_ANNOTATION] === hash)
    return { outcome: "unchanged", object: current };
  const metadata: V1ObjectMeta = {
    ...current.metadata,
    labels: { ...current.metadata.labels, ...desired.metadata.labels },
    annotations: { ...current.metadata.annotations, ...annotations },
    ownerReferences: desired.metadata.ownerReferences,
  };
  delete metadata.managedFields;
  const updated = await client.replace({ ...desired, metadata });
  return { outcome: "updated", object: updated };
}
