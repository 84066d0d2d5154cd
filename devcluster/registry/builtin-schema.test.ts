import { readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { builtinSchema } from "./builtin-schema.ts";

describe("builtinSchema", () => {
  it("holds complete schemas of built-in kinds, derived from client-node's models", () => {
    const meta = builtinSchema("V1ObjectMeta");
    expect(meta.properties!.labels).toMatchObject({ type: "object", additionalProperties: { type: "string" } });
    expect(meta.properties!.generation).toMatchObject({ type: "integer", format: "int64" });
    expect(meta.properties!.ownerReferences!.items!.properties!.uid).toMatchObject({ type: "string" });
    const lease = builtinSchema("V1Lease");
    expect(lease.properties!.spec!.properties!.renewTime).toMatchObject({ type: "string", format: "date-time" });
    expect(builtinSchema("CoreV1Event").properties!.eventTime).toMatchObject({ type: "string", format: "date-time" });
  });

  it("takes descriptions and required fields from client-node's type declarations, for kubectl explain", () => {
    const deployment = builtinSchema("V1Deployment");
    expect(deployment.description).toBe("Deployment enables declarative updates for Pods and ReplicaSets.");
    const spec = deployment.properties!.spec!;
    expect(spec.required).toEqual(["selector", "template"]);
    expect(spec.properties!.replicas!.description).toMatch(/^Number of desired pods\./);
    expect(spec.properties!.selector!.description).toMatch(/label selector/i);
    expect(spec.properties!.template!.properties!.spec!.properties!.containers!.items!.required).toEqual(["name"]);
    expect(builtinSchema("V1ListMeta").properties!.continue!.description).toMatch(/continue/);
  });

  it("carries kube's patch and list extensions, which kubectl needs to build strategic merge patches", () => {
    const spec = builtinSchema("V1Deployment").properties!.spec!;
    const podSpec = spec.properties!.template!.properties!.spec!;
    expect(podSpec.properties!.containers).toMatchObject({
      "x-kubernetes-patch-merge-key": "name",
      "x-kubernetes-patch-strategy": "merge",
      "x-kubernetes-list-type": "map",
      "x-kubernetes-list-map-keys": ["name"],
    });
    expect(podSpec.properties!.volumes).toMatchObject({
      "x-kubernetes-patch-merge-key": "name",
      "x-kubernetes-patch-strategy": "merge,retainKeys",
    });
    expect(podSpec.properties!.containers!.items!.properties!.env).toMatchObject({
      "x-kubernetes-patch-merge-key": "name",
    });
    expect(podSpec.properties!.containers!.items!.properties!.ports).toMatchObject({
      "x-kubernetes-patch-merge-key": "containerPort",
    });
    expect(podSpec.properties!.containers!.items!.properties!.args).not.toHaveProperty("x-kubernetes-patch-strategy");
    expect(spec.properties!.strategy).toMatchObject({ "x-kubernetes-patch-strategy": "retainKeys" });
    expect(builtinSchema("V1ObjectMeta").properties!.finalizers).toMatchObject({
      "x-kubernetes-patch-strategy": "merge",
      "x-kubernetes-list-type": "set",
    });
    expect(builtinSchema("V1ConfigMap").properties!.metadata!.properties!.ownerReferences).toMatchObject({
      "x-kubernetes-patch-merge-key": "uid",
    });
  });

  it("returns one frozen schema per model", () => {
    const schema = builtinSchema("V1ConfigMap");
    expect(builtinSchema("V1ConfigMap")).toBe(schema);
    expect(Object.isFrozen(schema.properties!.data)).toBe(true);
  });

  it("cuts recursive models short instead of looping", () => {
    const crd = builtinSchema("V1CustomResourceDefinition");
    const props = crd.properties!.spec!.properties!.versions!.items!.properties!.schema!.properties!.openAPIV3Schema!;
    expect(props.properties!.properties).toMatchObject({ type: "object" });
    expect(JSON.stringify(crd).length).toBeLessThan(2_000_000);
  });

  it("names the missing model and how to add it", () => {
    expect(() => builtinSchema("V1NoSuchThing")).toThrow(
      'devcluster/registry/builtin-schemas.json has no model "V1NoSuchThing"; add it to builtinSchemaModels and run ' +
        '"npm run devcluster:schemas"',
    );
  });

  it(
    "is served without deriving anything from @kubernetes/client-node: no devcluster file the server runs imports " +
      "it",
    () => {
      const folder = fileURLToPath(new URL("..", import.meta.url));
      const reached = new Set<string>();
      const visit = (file: string) => {
        if (reached.has(file) || !file.startsWith(folder)) return;
        reached.add(file);
        const source = readFileSync(file, "utf8");
        expect(source, `${file} imports @kubernetes/client-node`).not.toMatch(
          /^import (?!type )[^;]*from "@kubernetes\/client-node"/m,
        );
        for (const match of source.matchAll(/^(?:import|export) (?!type )[^;]*?from "(\.[^"]+\.ts)"/gm))
          visit(fileURLToPath(new URL(match[1]!, pathToFileURL(file))));
      };
      visit(fileURLToPath(new URL("../index.ts", import.meta.url)));
      expect(reached).toContain(fileURLToPath(new URL("./builtin-schema.ts", import.meta.url)));
    },
  );
});
