// How `kontinue deploy` writes a Function: server-side apply with field manager `kontinue`, labelled as deployed by
// Kontinue (what --prune looks for) and annotated with a hash of what was applied (so an unchanged one is skipped).
import { createHash } from "node:crypto";
import { MANAGED_BY, MANAGED_BY_LABEL, type FunctionResource } from "../crds/index.ts";
import { KontinueError, apiStatus, type KubeHttp, type ResourceClient } from "../runtime/index.ts";

export const FIELD_MANAGER = "kontinue";
/** sha256 of the applied spec: equal means the Function is as this folder wants it. */
export const APPLIED_HASH_ANNOTATION = "kontinue.cloud/applied-spec-sha256";

/** The object deploy applies for `manifest` in `namespace`. */
export function deployedFunction(manifest: FunctionResource, namespace: string): FunctionResource {
  return {
    ...manifest,
    metadata: {
      ...manifest.metadata,
      namespace,
      labels: { ...manifest.metadata.labels, [MANAGED_BY_LABEL]: MANAGED_BY },
      annotations: { ...manifest.metadata.annotations, [APPLIED_HASH_ANNOTATION]: specHash(manifest) },
    },
  };
}

/** True when `existing` was applied by deploy from the same spec as `desired`. */
export function isUnchanged(existing: FunctionResource | undefined, desired: FunctionResource): boolean {
  const applied = existing?.metadata.annotations?.[APPLIED_HASH_ANNOTATION];
  return (
    applied !== undefined &&
    applied === desired.metadata.annotations?.[APPLIED_HASH_ANNOTATION] &&
    existing?.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY
  );
}

/** Server-side apply (force: deploy owns the fields it sets); resolves to the object the server keeps. */
export async function applyFunction(
  http: KubeHttp,
  functions: ResourceClient<FunctionResource>,
  object: FunctionResource,
): Promise<FunctionResource> {
  const { name, namespace } = object.metadata;
  try {
    return (await http({
      method: "PATCH",
      path: `${functions.path(namespace, name)}?fieldManager=${FIELD_MANAGER}&force=true&fieldValidation=Strict`,
      body: object,
      contentType: "application/apply-patch+yaml",
    })) as FunctionResource;
  } catch (cause) {
    const forbidden = apiStatus(cause) === 403;
    throw new KontinueError(
      forbidden ? "DEPLOY_FORBIDDEN" : "DEPLOY_APPLY_FAILED",
      forbidden
        ? `cannot apply Function "${name}" in namespace "${namespace}": RBAC forbids "patch" on ` +
            "functions.kontinue.cloud"
        : `cannot apply Function "${name}" in namespace "${namespace}"; see the cause below`,
      { cause, terminal: forbidden },
    );
  }
}

function specHash(manifest: FunctionResource): string {
  return createHash("sha256").update(JSON.stringify(manifest.spec)).digest("hex");
}
