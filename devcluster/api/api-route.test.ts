import { describe, expect, it } from "vitest";
import { parseApiRoute } from "./api-route.ts";

describe("parseApiRoute", () => {
  it("parses discovery, OpenAPI and health paths", () => {
    expect(parseApiRoute("/version")).toEqual({ type: "version" });
    expect(parseApiRoute("/api")).toEqual({ type: "coreVersions" });
    expect(parseApiRoute("/api/v1")).toEqual({ type: "resources", group: "", version: "v1" });
    expect(parseApiRoute("/apis")).toEqual({ type: "groups" });
    expect(parseApiRoute("/apis/apps")).toEqual({ type: "group", group: "apps" });
    expect(parseApiRoute("/apis/apps/v1")).toEqual({ type: "resources", group: "apps", version: "v1" });
    expect(parseApiRoute("/openapi/v3")).toEqual({ type: "openapiIndex" });
    expect(parseApiRoute("/openapi/v3/apis/kontinue.cloud/v1alpha1")).toEqual({
      type: "openapiDocument",
      groupVersion: "apis/kontinue.cloud/v1alpha1",
    });
    expect(parseApiRoute("/openapi/v2")).toEqual({ type: "openapiV2" });
    expect(parseApiRoute("/readyz")).toEqual({ type: "health", check: "readyz" });
    expect(parseApiRoute("/nothing")).toEqual({ type: "unknown" });
  });

  it("parses namespaced and cluster-scoped resource paths with subresources", () => {
    expect(parseApiRoute("/apis/kontinue.cloud/v1alpha1/namespaces/ns/executions/x/status")).toEqual({
      type: "resource",
      group: "kontinue.cloud",
      version: "v1alpha1",
      namespace: "ns",
      plural: "executions",
      name: "x",
      subresource: "status",
    });
    expect(parseApiRoute("/apis/kontinue.cloud/v1alpha1/executions")).toEqual({
      type: "resource",
      group: "kontinue.cloud",
      version: "v1alpha1",
      plural: "executions",
    });
    expect(parseApiRoute("/api/v1/namespaces/default/configmaps")).toEqual({
      type: "resource",
      group: "",
      version: "v1",
      namespace: "default",
      plural: "configmaps",
    });
    expect(parseApiRoute("/apis/apps/v1/namespaces/d/deployments/web/scale")).toMatchObject({
      plural: "deployments",
      name: "web",
      subresource: "scale",
    });
  });

  it("tells the Namespace itself from resources inside a namespace", () => {
    expect(parseApiRoute("/api/v1/namespaces")).toEqual({
      type: "resource",
      group: "",
      version: "v1",
      plural: "namespaces",
    });
    expect(parseApiRoute("/api/v1/namespaces/dev")).toEqual({
      type: "resource",
      group: "",
      version: "v1",
      plural: "namespaces",
      name: "dev",
    });
    expect(parseApiRoute("/api/v1/namespaces/dev/status")).toEqual({
      type: "resource",
      group: "",
      version: "v1",
      plural: "namespaces",
      name: "dev",
      subresource: "status",
    });
    expect(parseApiRoute("/api/v1/namespaces/dev/pods")).toEqual({
      type: "resource",
      group: "",
      version: "v1",
      namespace: "dev",
      plural: "pods",
    });
  });

  it("rejects paths with too many segments", () => {
    expect(parseApiRoute("/api/v1/namespaces/a/pods/b/status/extra")).toEqual({ type: "unknown" });
  });
});
