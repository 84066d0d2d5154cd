import { describe, expect, it } from "vitest";
import { compareVersions, ResourceCatalogue } from "./resource-catalogue.ts";
import type { KubeObject } from "./resource-info.ts";

function crd(versions: string[]): KubeObject {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: "things.example.com" },
    spec: {
      group: "example.com",
      scope: "Namespaced",
      names: { kind: "Thing", plural: "things" },
      versions: versions.map((name, index) => ({
        name,
        served: true,
        storage: index === 0,
        schema: { openAPIV3Schema: { type: "object" } },
      })),
    },
  };
}

describe("compareVersions", () => {
  it("orders like kube: GA, then beta, then alpha, higher numbers first, others last", () => {
    expect(["v1alpha1", "v2beta1", "foo", "v1", "v1beta2", "v2", "v1beta1"].sort(compareVersions)).toEqual([
      "v2",
      "v1",
      "v2beta1",
      "v1beta2",
      "v1beta1",
      "v1alpha1",
      "foo",
    ]);
  });
});

describe("ResourceCatalogue", () => {
  it("serves the built-ins, adds and removes a CRD's versions, and prefers the highest-priority version", () => {
    const catalogue = new ResourceCatalogue();
    expect(catalogue.find("apps", "v1", "deployments")?.kind).toBe("Deployment");
    expect(catalogue.find("example.com", "v1", "things")).toBeUndefined();
    catalogue.setCustomResourceDefinitions([crd(["v1alpha1", "v1"])]);
    expect(catalogue.find("example.com", "v1alpha1", "things")?.kind).toBe("Thing");
    expect(catalogue.groups().find((group) => group.group === "example.com")?.versions).toEqual(["v1", "v1alpha1"]);
    expect(catalogue.groupVersions()).toEqual(
      expect.arrayContaining(["v1", "apps/v1", "example.com/v1", "example.com/v1alpha1"]),
    );
    expect(catalogue.findByStorage("example.com/things")?.plural).toBe("things");
    catalogue.setCustomResourceDefinitions([]);
    expect(catalogue.find("example.com", "v1", "things")).toBeUndefined();
  });
});
