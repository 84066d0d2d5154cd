import { describe, expect, it } from "vitest";
import type { FunctionResource } from "../crds/index.ts";
import { KubeApiError, isKontinueError, ResourceClient, type KubeHttp, type KubeRequest } from "../runtime/index.ts";
import { deployPreflight } from "./deploy-preflight.ts";

/** A transport answering lists with `list` and access reviews with `allowed(verb)`. */
function fakeHttp(list: (request: KubeRequest) => unknown, allowed: (verb: string) => boolean): KubeHttp {
  return async (request) => {
    if (request.path.includes("selfsubjectaccessreviews")) {
      const verb = (request.body as { spec: { resourceAttributes: { verb: string } } }).spec.resourceAttributes.verb;
      return { status: { allowed: allowed(verb) } };
    }
    return list(request);
  };
}

async function preflight(http: KubeHttp, verbs = ["patch"]): Promise<unknown> {
  const functions = new ResourceClient<FunctionResource>(http, "functions");
  return deployPreflight({ http, functions, namespace: "shop", clusterDescription: 'context "prod"', verbs }).catch(
    (error: unknown) => error,
  );
}

const emptyList = () => ({ items: [], metadata: { resourceVersion: "1" } });

describe("deployPreflight", () => {
  it("says to run kontinue install when the cluster does not serve Functions", async () => {
    const http = fakeHttp(
      (request) => {
        throw new KubeApiError(request, 404, "NotFound", "the server could not find the requested resource");
      },
      () => true,
    );
    const error = await preflight(http);
    expect(isKontinueError(error, "DEPLOY_NO_CRDS")).toBe(true);
    expect((error as Error).message).toContain('run "kontinue install"');
  });

  it("names the verb, resource and namespace RBAC forbids", async () => {
    const error = await preflight(
      fakeHttp(emptyList, (verb) => verb !== "delete"),
      ["patch", "delete"],
    );
    expect(isKontinueError(error, "DEPLOY_FORBIDDEN")).toBe(true);
    expect((error as Error).message).toContain('RBAC forbids "delete" on functions.kontinue.cloud in namespace "shop"');
  });

  it("a forbidden list is an RBAC refusal too", async () => {
    const http = fakeHttp(
      (request) => {
        throw new KubeApiError(request, 403, "Forbidden", "functions.kontinue.cloud is forbidden");
      },
      () => true,
    );
    expect((await preflight(http)) as Error).toMatchObject({ code: "DEPLOY_FORBIDDEN" });
  });

  it("returns the Functions there when everything is allowed", async () => {
    expect(await preflight(fakeHttp(emptyList, () => true))).toEqual([]);
  });
});
