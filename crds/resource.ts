// The envelope every Kontinue object shares.
import type { V1ObjectMeta } from "@kubernetes/client-node";

export interface Resource<Kind extends string, Spec, Status> {
  apiVersion: string;
  kind: Kind;
  metadata: V1ObjectMeta;
  spec: Spec;
  status?: Status;
}

/** `processOrder` → `process-order`: a function name in DNS-1123 form, for `metadata.name`. */
export function toResourceName(functionName: string): string {
  return functionName
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1-$2")
    .replace(/[^A-Za-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .toLowerCase();
}
