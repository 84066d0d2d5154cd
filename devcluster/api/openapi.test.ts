import { describe, expect, it } from "vitest";
import { openApiHash, openApiV3Document, openApiV3Index, schemaName } from "./openapi.ts";
import {
  builtinResources,
  resourceInfoFromCrd,
  type KubeObject,
  type ResourceInfo,
} from "../registry/resource-info.ts";

const crd: KubeObject = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "executions.kontinue.cloud" },
  spec: {
    group: "kontinue.cloud",
    scope: "Namespaced",
    names: { kind: "Execution", plural: "executions" },
    versions: [
      {
        name: "v1alpha1",
        served: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: "object",
            properties: {
              spec: {
                type: "object",
                required: ["function"],
                properties: { function: { type: "string", description: "The function to run." } },
              },
            },
          },
        },
      },
    ],
  },
};

type Operation = {
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, unknown> };
  "x-kubernetes-group-version-kind"?: unknown;
};
type Document = {
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<
      string,
      { $ref?: string; properties?: Record<string, unknown>; "x-kubernetes-group-version-kind"?: unknown }
    >;
  };
};

const execution = resourceInfoFromCrd(crd)[0]!;
const deployment = builtinResources.find((info) => info.kind === "Deployment")!;

function documentOf(groupVersion: string, resources: ResourceInfo[]): Document {
  return openApiV3Document({ groupVersion, resources }) as Document;
}

/** Every `$ref` in the document names a schema it contains. */
function danglingRefs(document: Document): string[] {
  const missing: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== "object" || node === null) return;
    for (const [key, value] of Object.entries(node)) {
      if (
        key === "$ref" &&
        typeof value === "string" &&
        !Object.hasOwn(document.components.schemas, value.replace("#/components/schemas/", ""))
      )
        missing.push(value);
      else visit(value);
    }
  };
  visit(document);
  return missing;
}

describe("openApiV3Document for a CRD", () => {
  const document = documentOf("kontinue.cloud/v1alpha1", [execution]);
  const item = document.paths["/apis/kontinue.cloud/v1alpha1/namespaces/{namespace}/executions/{name}"]!;

  it("has item, collection, all-namespaces and status paths", () => {
    expect(Object.keys(document.paths).sort()).toEqual([
      "/apis/kontinue.cloud/v1alpha1/executions",
      "/apis/kontinue.cloud/v1alpha1/namespaces/{namespace}/executions",
      "/apis/kontinue.cloud/v1alpha1/namespaces/{namespace}/executions/{name}",
      "/apis/kontinue.cloud/v1alpha1/namespaces/{namespace}/executions/{name}/status",
    ]);
    expect(Object.keys(item).sort()).toEqual(["delete", "get", "parameters", "patch", "put"]);
  });

  it(
    "gives the patch operation its GVK and its own fieldValidation parameter, so kubectl validates on the " + "server",
    () => {
      expect(item.patch!["x-kubernetes-group-version-kind"]).toEqual({
        group: "kontinue.cloud",
        version: "v1alpha1",
        kind: "Execution",
      });
      expect(item.patch!.parameters).toContainEqual(expect.objectContaining({ name: "fieldValidation", in: "query" }));
    },
  );

  it("lists json-patch, merge-patch and apply-patch but not strategic merge for a CRD", () => {
    expect(Object.keys(item.patch!.requestBody!.content).sort()).toEqual([
      "application/apply-patch+yaml",
      "application/json-patch+json",
      "application/merge-patch+json",
    ]);
  });

  it("publishes the CRD schema with apiVersion, kind, metadata and the GVK list, under kube's name", () => {
    expect(schemaName(execution)).toBe("cloud.kontinue.v1alpha1.Execution");
    const schema = document.components.schemas["cloud.kontinue.v1alpha1.Execution"]!;
    expect(schema["x-kubernetes-group-version-kind"]).toEqual([
      { group: "kontinue.cloud", kind: "Execution", version: "v1alpha1" },
    ]);
    expect(Object.keys(schema.properties!).sort()).toEqual(["apiVersion", "kind", "metadata", "spec"]);
    expect(schema.properties!.metadata).toMatchObject({
      allOf: [{ $ref: "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta" }],
    });
    expect(schema.properties!.spec).toMatchObject({
      required: ["function"],
      properties: { function: { type: "string", description: "The function to run." } },
    });
    expect(danglingRefs(document)).toEqual([]);
  });
});

describe("openApiV3Document for built-ins", () => {
  it("lists strategic merge for Deployments, and the scale subresource as autoscaling/v1 Scale", () => {
    const document = documentOf("apps/v1", [deployment]);
    const item = document.paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]!;
    expect(Object.keys(item.patch!.requestBody!.content)).toContain("application/strategic-merge-patch+json");
    expect(item.patch!["x-kubernetes-group-version-kind"]).toEqual({
      group: "apps",
      version: "v1",
      kind: "Deployment",
    });
    const scale = document.paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale"]!;
    expect(scale.patch!["x-kubernetes-group-version-kind"]).toEqual({
      group: "autoscaling",
      version: "v1",
      kind: "Scale",
    });
    expect(document.components.schemas["io.k8s.api.apps.v1.Deployment"]!.properties).toHaveProperty("spec");
    expect(document.components.schemas["io.k8s.api.autoscaling.v1.Scale"]).toBeDefined();
    expect(danglingRefs(document)).toEqual([]);
  });

  it("puts core kinds under /api/v1 and cluster-scoped kinds outside namespaces", () => {
    const core = builtinResources.filter((info) => info.group === "");
    const document = documentOf("v1", core);
    expect(document.paths).toHaveProperty(["/api/v1/namespaces/{namespace}/configmaps/{name}"]);
    expect(document.paths).toHaveProperty(["/api/v1/namespaces/{name}"]);
    expect(document.components.schemas).toHaveProperty(["io.k8s.api.core.v1.ConfigMap"]);
    expect(danglingRefs(document)).toEqual([]);
  });
});

describe("openApiV3Index", () => {
  it("names one document per group-version", () => {
    expect(openApiV3Index(["v1", "apps/v1"])).toEqual({
      paths: {
        "api/v1": { serverRelativeURL: "/openapi/v3/api/v1" },
        "apis/apps/v1": { serverRelativeURL: "/openapi/v3/apis/apps/v1" },
      },
    });
  });

  it("adds a content hash that changes when the document does", () => {
    const index = (resources: ResourceInfo[]) =>
      (
        openApiV3Index(["kontinue.cloud/v1alpha1"], () => resources) as {
          paths: Record<string, { serverRelativeURL: string }>;
        }
      ).paths["apis/kontinue.cloud/v1alpha1"]!.serverRelativeURL;
    const first = index([execution]);
    expect(first).toMatch(/^\/openapi\/v3\/apis\/kontinue\.cloud\/v1alpha1\?hash=[0-9A-F]{128}$/);
    expect(index([execution])).toBe(first);
    expect(index([{ ...execution, shortNames: ["exec"], schema: { type: "object" } }])).not.toBe(first);
    expect(
      first.endsWith(
        openApiHash(openApiV3Document({ groupVersion: "kontinue.cloud/v1alpha1", resources: [execution] })),
      ),
    ).toBe(true);
  });
});
