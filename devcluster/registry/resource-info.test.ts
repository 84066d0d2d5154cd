import { describe, expect, it } from "vitest";
import { builtinResources, resourceInfoFromCrd, type KubeObject } from "./resource-info.ts";

const executionCrd: KubeObject = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "executions.kontinue.cloud" },
  spec: {
    group: "kontinue.cloud",
    scope: "Namespaced",
    names: { kind: "Execution", plural: "executions", shortNames: ["exec"], categories: ["kontinue"] },
    versions: [
      {
        name: "v1alpha1",
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: "object", properties: { spec: { type: "object" } } } },
        subresources: { status: {} },
        additionalPrinterColumns: [{ name: "Phase", type: "string", jsonPath: ".status.phase" }],
        selectableFields: [{ jsonPath: ".spec.function" }],
      },
      { name: "v1alpha0", served: false, storage: false },
    ],
  },
};

describe("builtinResources", () => {
  const byKind = (kind: string) => builtinResources.find((info) => info.kind === kind)!;

  it("names kube-apiserver's built-in kinds with their groups, scopes and short names", () => {
    expect(byKind("Namespace")).toMatchObject({
      group: "",
      version: "v1",
      plural: "namespaces",
      namespaced: false,
      shortNames: ["ns"],
    });
    expect(byKind("Namespace").verbs).not.toContain("deletecollection");
    expect(byKind("ConfigMap").verbs).toEqual([
      "create",
      "delete",
      "deletecollection",
      "get",
      "list",
      "patch",
      "update",
      "watch",
    ]);
    expect(byKind("ConfigMap")).toMatchObject({ plural: "configmaps", namespaced: true, shortNames: ["cm"] });
    expect(byKind("Deployment")).toMatchObject({
      group: "apps",
      plural: "deployments",
      shortNames: ["deploy"],
      listKind: "DeploymentList",
    });
    expect(byKind("CustomResourceDefinition")).toMatchObject({
      group: "apiextensions.k8s.io",
      shortNames: ["crd", "crds"],
      namespaced: false,
      subresources: { status: {} },
    });
    expect(byKind("ClusterRoleBinding")).toMatchObject({ group: "rbac.authorization.k8s.io", namespaced: false });
    expect(builtinResources.map((info) => info.kind)).toEqual(
      expect.arrayContaining([
        "Secret",
        "ServiceAccount",
        "Event",
        "Pod",
        "Lease",
        "Role",
        "RoleBinding",
        "ClusterRole",
      ]),
    );
  });

  it("gives Deployments status and scale subresources and a complete schema", () => {
    const deployment = byKind("Deployment");
    expect(deployment.subresources.scale).toEqual({
      specReplicasPath: ".spec.replicas",
      statusReplicasPath: ".status.replicas",
      labelSelectorPath: ".status.selector",
    });
    const spec = deployment.schema!.properties!.spec!;
    expect(spec.properties!.replicas).toMatchObject({ type: "integer", format: "int32" });
    const container = spec.properties!.template!.properties!.spec!.properties!.containers!.items!;
    expect(container.properties!.image).toMatchObject({ type: "string" });
    expect(container.properties!.ports!.items!.properties!.containerPort).toMatchObject({
      type: "integer",
      format: "int32",
    });
    expect(container.properties!.resources!.properties!.limits!.additionalProperties).toEqual({
      oneOf: [{ type: "string" }, { type: "number" }],
    });
    expect(deployment.schema!.properties!.metadata!.properties!.creationTimestamp).toMatchObject({
      type: "string",
      format: "date-time",
    });
    expect(spec.properties!.strategy!.properties!.rollingUpdate!.properties!.maxSurge).toMatchObject({
      "x-kubernetes-int-or-string": true,
    });
  });

  it("lets Events be selected by involvedObject fields", () => {
    expect(byKind("Event").fieldSelectors).toEqual(
      expect.arrayContaining([
        "metadata.name",
        "involvedObject.kind",
        "involvedObject.namespace",
        "involvedObject.name",
        "involvedObject.uid",
      ]),
    );
  });

  it("starts every kind's printer columns with Name, except Events, which show it last with -o wide", () => {
    for (const info of builtinResources.filter((candidate) => candidate.kind !== "Event"))
      expect(info.printerColumns[0]!.jsonPath).toBe(".metadata.name");
    const event = byKind("Event").printerColumns;
    expect(event.map((column) => column.name)).toEqual([
      "Last Seen",
      "Type",
      "Reason",
      "Object",
      "Source",
      "Message",
      "Count",
      "Name",
    ]);
    expect(event.at(-1)!.priority).toBe(1);
  });
});

describe("resourceInfoFromCrd", () => {
  it("serves one resource per served version, with names, columns and selectable fields", () => {
    const infos = resourceInfoFromCrd(executionCrd);
    expect(infos).toHaveLength(1);
    expect(infos[0]).toMatchObject({
      group: "kontinue.cloud",
      version: "v1alpha1",
      kind: "Execution",
      listKind: "ExecutionList",
      singular: "execution",
      plural: "executions",
      namespaced: true,
      shortNames: ["exec"],
      categories: ["kontinue"],
      builtin: false,
      subresources: { status: {} },
      fieldSelectors: ["metadata.name", "metadata.namespace", "spec.function"],
    });
    expect(infos[0]!.printerColumns.map((c) => c.name)).toEqual(["Name", "Phase"]);
    expect(infos[0]!.verbs).toContain("deletecollection");
  });

  it("defaults the printer columns to Name and Age and honours cluster scope", () => {
    const crd = structuredClone(executionCrd);
    const spec = crd.spec as { scope: string; versions: { additionalPrinterColumns?: unknown }[] };
    spec.scope = "Cluster";
    delete spec.versions[0]!.additionalPrinterColumns;
    const [info] = resourceInfoFromCrd(crd);
    expect(info!.namespaced).toBe(false);
    expect(info!.printerColumns.map((c) => [c.name, c.type])).toEqual([
      ["Name", "string"],
      ["Age", "date"],
    ]);
  });
});
