// What `kontinue deploy` checks before it builds anything: the CRDs are installed and RBAC lets this user
// read, apply (and, with --prune, delete) Functions in the namespace — so a refusal leaves nothing half-applied.
import type { FunctionResource } from "../crds/index.ts";
import { KontinueError, apiStatus, type KubeHttp, type ResourceClient } from "../runtime/index.ts";

export interface PreflightOptions {
  http: KubeHttp;
  functions: ResourceClient<FunctionResource>;
  namespace: string;
  /** For messages: which cluster this is. */
  clusterDescription: string;
  /** Verbs besides list that the deploy needs ("patch", "delete"). */
  verbs: readonly string[];
}

interface AccessReview {
  status?: { allowed?: boolean; reason?: string };
}

/** The Functions in the namespace now; throws DEPLOY_NO_CRDS or DEPLOY_FORBIDDEN. */
export async function deployPreflight(options: PreflightOptions): Promise<FunctionResource[]> {
  const { namespace, clusterDescription } = options;
  let existing: FunctionResource[];
  try {
    existing = (await options.functions.list(namespace)).items;
  } catch (cause) {
    const status = apiStatus(cause);
    if (status === 404) {
      throw new KontinueError(
        "DEPLOY_NO_CRDS",
        `cannot deploy to ${clusterDescription}: it does not serve functions.kontinue.cloud (the Kontinue CRDs are ` +
          `not installed); run "kontinue install" against it first`,
        { cause, terminal: true },
      );
    }
    if (status === 401 || status === 403) throw forbidden("list", namespace, clusterDescription, cause);
    throw new KontinueError("DEPLOY_UNREACHABLE", `cannot list the Functions in ${clusterDescription}`, { cause });
  }
  const reviews = await Promise.all(
    options.verbs.map(async (verb) => {
      const review = (await options.http({
        method: "POST",
        path: "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
        body: {
          apiVersion: "authorization.k8s.io/v1",
          kind: "SelfSubjectAccessReview",
          spec: { resourceAttributes: { namespace, verb, group: "kontinue.cloud", resource: "functions" } },
        },
      })) as AccessReview;
      return { verb, allowed: review.status?.allowed === true };
    }),
  );
  const refused = reviews.find((review) => !review.allowed);
  if (refused) throw forbidden(refused.verb, namespace, clusterDescription);
  return existing;
}

function forbidden(verb: string, namespace: string, cluster: string, cause?: unknown): KontinueError {
  return new KontinueError(
    "DEPLOY_FORBIDDEN",
    `cannot deploy to ${cluster}: RBAC forbids "${verb}" on functions.kontinue.cloud in namespace "${namespace}"; ` +
      `ask for a Role granting it (check with "kubectl auth can-i ${verb} functions.kontinue.cloud -n ${namespace}")`,
    { ...(cause === undefined ? {} : { cause }), terminal: true },
  );
}
