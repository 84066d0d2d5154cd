// Turns a failed API call into the error a user can act on: not found, forbidden (which verb on which
// resource), the CRDs not installed, or the cluster not reachable.
import { API_VERSION } from "../crds/index.ts";
import { apiStatus, type KubeHttp } from "../runtime/client-entry.ts";
import { ForbiddenError, NoCrdsError, NotFoundError, type Operation, UnreachableError } from "./client-errors.ts";

export interface FailureContext {
  http: KubeHttp;
  /** The cluster's description, e.g. `context "kind-dev" (~/.kube/config)`. */
  cluster: string;
  server: string;
}

const networkCodes = new Set(["ECONNREFUSED", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "ETIMEDOUT", "ECONNRESET"]);

/** The error to throw for `error`, which `operation` failed with. */
export async function explainFailure(error: unknown, operation: Operation, context: FailureContext): Promise<unknown> {
  const status = apiStatus(error);
  if (status === undefined) {
    const code = (error as { code?: unknown } | undefined)?.code;
    if (typeof code === "string" && networkCodes.has(code))
      return new UnreachableError(context.cluster, context.server, (error as Error).message, error);
    return error;
  }
  if (status === 403) {
    const message = (error as Error).message.replace(/^.*? failed: 403 [^:]*: /, "");
    return new ForbiddenError(operation, context.cluster, message, error);
  }
  if (status === 404) {
    if (operation.resource.endsWith(".kontinue.cloud") && !(await groupServed(context.http)))
      return new NoCrdsError(context.cluster, error);
    if (operation.name !== undefined) return new NotFoundError(operation, context.cluster, error);
  }
  return error;
}

async function groupServed(http: KubeHttp): Promise<boolean> {
  try {
    await http({ method: "GET", path: `/apis/${API_VERSION}` });
    return true;
  } catch (error) {
    return apiStatus(error) !== 404;
  }
}
