// What kube-apiserver refuses, devcluster refuses the same way, as real kubectl prints it: a CRD schema
// with an unknown type, a CRD update dropping a version still in status.storedVersions, an unknown kind.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Kubectl } from "../fixtures/kubectl.ts";

const group = `refusals-${Date.now().toString(36)}.example.com`;
const name = `gadgets.${group}`;
let kubectl: Kubectl;

function crd(versions: { name: string; storage: boolean; type?: string }[]): string {
  return JSON.stringify({
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name },
    spec: {
      group,
      scope: "Namespaced",
      names: { plural: "gadgets", singular: "gadget", kind: "Gadget", listKind: "GadgetList" },
      versions: versions.map((version) => ({
        name: version.name,
        served: true,
        storage: version.storage,
        schema: {
          openAPIV3Schema: {
            type: "object",
            properties: { spec: { type: version.type ?? "object", "x-kubernetes-preserve-unknown-fields": true } },
          },
        },
      })),
    },
  });
}

beforeAll(() => {
  kubectl = new Kubectl(inject("kubeconfig"));
});

afterAll(async () => {
  await kubectl.run(["delete", "crd", name, "--wait=false"]);
  kubectl.dispose();
});

describe("refusals as kube-apiserver answers them", () => {
  it("refuses a CRD schema with an unknown type", async () => {
    const result = await kubectl.run(["apply", "-f", "-"], {
      input: crd([{ name: "v1", storage: true, type: "strin" }]),
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(
      `The CustomResourceDefinition "${name}" is invalid: ` +
        `spec.versions[0].schema.openAPIV3Schema.properties[spec].type: Unsupported value: "strin": supported ` +
        `values: "array", "boolean", "integer", "number", "object", "string"`,
    );
  });

  it("refuses to remove a version still listed in status.storedVersions", async () => {
    await kubectl.ok(["apply", "-f", "-"], { input: crd([{ name: "v1", storage: true }]) });
    await kubectl.ok(["wait", "--for", "condition=established", `crd/${name}`]);
    const result = await kubectl.run(["apply", "-f", "-"], { input: crd([{ name: "v2", storage: true }]) });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`status.storedVersions[0]: Invalid value: "v1": must appear in spec.versions`);
    await kubectl.ok(["apply", "-f", "-"], {
      input: crd([
        { name: "v1", storage: false },
        { name: "v2", storage: true },
      ]),
    });
  });

  it("names an unknown kind in kubectl apply (the /openapi/v2 fallback answers)", async () => {
    const result = await kubectl.run(["apply", "-f", "-"], {
      input: JSON.stringify({ apiVersion: `${group}/v9`, kind: "Widget", metadata: { name: "w" } }),
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`no matches for kind "Widget" in version "${group}/v9"`);
  });
});
