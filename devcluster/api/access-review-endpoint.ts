// `POST /apis/authorization.k8s.io/v1/{selfsubjectaccessreviews,subjectaccessreviews}`: the RBAC
// authorizer's answer for a user and an action, what `kubectl auth can-i [--as …]` asks.
import type { ServerResponse } from "node:http";
import type { RbacAuthorizer, RequestAttributes, UserInfo } from "../auth/index.ts";
import { badRequest } from "../registry/index.ts";
import { sendJson } from "./http-io.ts";

interface ReviewSpec {
  user?: string;
  groups?: string[];
  resourceAttributes?: {
    namespace?: string;
    verb?: string;
    group?: string;
    resource?: string;
    subresource?: string;
    name?: string;
  };
  nonResourceAttributes?: { path?: string; verb?: string };
}

function attributesOf(spec: ReviewSpec): RequestAttributes {
  if (spec.resourceAttributes) {
    const { verb = "", group = "", resource = "", subresource, namespace, name } = spec.resourceAttributes;
    return {
      kind: "resource",
      verb,
      apiGroup: group,
      resource,
      ...(subresource ? { subresource } : {}),
      ...(namespace ? { namespace } : {}),
      ...(name ? { name } : {}),
    };
  }
  if (spec.nonResourceAttributes)
    return {
      kind: "nonResource",
      verb: spec.nonResourceAttributes.verb ?? "",
      path: spec.nonResourceAttributes.path ?? "",
    };
  throw badRequest("spec.resourceAttributes or spec.nonResourceAttributes is required");
}

export function serveAccessReview(
  kind: "SelfSubjectAccessReview" | "SubjectAccessReview",
  body: unknown,
  requester: UserInfo,
  authorizer: RbacAuthorizer,
  response: ServerResponse,
): void {
  const review = (body ?? {}) as { spec?: ReviewSpec };
  const spec = review.spec ?? {};
  const user = kind === "SelfSubjectAccessReview" ? requester : { name: spec.user ?? "", groups: spec.groups ?? [] };
  const allowed = authorizer.authorize(user, attributesOf(spec));
  sendJson(response, 201, {
    kind,
    apiVersion: "authorization.k8s.io/v1",
    metadata: { creationTimestamp: null },
    spec,
    status: { allowed, ...(allowed ? { reason: "RBAC: allowed by a role binding" } : {}) },
  });
}
