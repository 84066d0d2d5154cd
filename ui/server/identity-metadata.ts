// The metadata an informer's cache needs of an object it keeps cut down: who it is and which version it is.
import type { V1ObjectMeta } from "@kubernetes/client-node";

export function identityMetadata(metadata: V1ObjectMeta | undefined): V1ObjectMeta {
  return {
    name: metadata?.name,
    namespace: metadata?.namespace,
    uid: metadata?.uid,
    resourceVersion: metadata?.resourceVersion,
  };
}
