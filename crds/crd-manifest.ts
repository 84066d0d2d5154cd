// Builds a CustomResourceDefinition for one of Kontinue's kinds.
import type { StructuralSchema } from "./schema-type.ts";

export const GROUP = "kontinue.cloud";
export const VERSION = "v1alpha1";
export const API_VERSION = `${GROUP}/${VERSION}`;
/** `kubectl get kontinue` lists every Kontinue kind. */
export const CATEGORY = "kontinue";

export interface PrinterColumn {
  name: string;
  type: "string" | "integer" | "number" | "boolean" | "date";
  jsonPath: string;
  description?: string;
  priority?: number;
}

export interface KindNames {
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
}

export interface CustomResourceDefinition {
  apiVersion: "apiextensions.k8s.io/v1";
  kind: "CustomResourceDefinition";
  metadata: { name: string; labels: Record<string, string> };
  spec: {
    group: string;
    scope: "Namespaced";
    names: KindNames & { listKind: string; categories: string[] };
    versions: {
      name: string;
      served: true;
      storage: true;
      schema: { openAPIV3Schema: StructuralSchema };
      subresources: { status: Record<string, never> };
      additionalPrinterColumns: PrinterColumn[];
    }[];
  };
}

const ageColumn: PrinterColumn = { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" };

export function customResourceDefinition(options: {
  names: KindNames;
  description: string;
  spec: StructuralSchema;
  status: StructuralSchema;
  printerColumns: PrinterColumn[];
}): CustomResourceDefinition {
  const { names } = options;
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${names.plural}.${GROUP}`, labels: { "app.kubernetes.io/part-of": "kontinue" } },
    spec: {
      group: GROUP,
      scope: "Namespaced",
      names: { ...names, listKind: `${names.kind}List`, categories: [CATEGORY] },
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: "object",
              description: options.description,
              required: ["spec"],
              properties: {
                apiVersion: { type: "string" },
                kind: { type: "string" },
                metadata: { type: "object" },
                spec: options.spec,
                status: options.status,
              },
            },
          },
          subresources: { status: {} },
          additionalPrinterColumns: [...options.printerColumns, ageColumn],
        },
      ],
    },
  };
}
