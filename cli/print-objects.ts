// Objects printed as kubectl prints them with -o json, -o yaml or -o name.
import { stringify } from "yaml";

interface Printable {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string };
}

export type ObjectFormat = "json" | "yaml" | "name";

export interface PrintOptions {
  output: ObjectFormat;
  /** One object asked for by name: printed alone, not inside a List. */
  single?: boolean;
}

/** `-o json|yaml`: the object, or a `List` of them; `-o name`: `kind.group/name` per line. */
export function printObjects(objects: readonly Printable[], options: PrintOptions): string {
  switch (options.output) {
    case "name":
      return objects.map((object) => `${qualifiedKind(object)}/${object.metadata?.name}\n`).join("");
    case "json":
      return `${JSON.stringify(wrapped(objects, options), null, 4)}\n`;
    case "yaml":
      return stringify(wrapped(objects, options));
    default: {
      const unknown: never = options.output;
      throw new Error(`unknown output format ${String(unknown)}`);
    }
  }
}

function wrapped(objects: readonly Printable[], options: PrintOptions): unknown {
  const shown = objects.map(withoutManagedFields);
  if (options.single === true && shown.length === 1) return shown[0];
  return { apiVersion: "v1", kind: "List", items: shown, metadata: { resourceVersion: "" } };
}

/** As kubectl without --show-managed-fields: metadata.managedFields left out. */
function withoutManagedFields(object: Printable): Printable {
  if (object.metadata === undefined || !("managedFields" in object.metadata)) return object;
  const { managedFields: _, ...metadata } = object.metadata as Record<string, unknown>;
  return { ...object, metadata };
}

/** `execution.kontinue.cloud`, `deployment.apps`, `pod`. */
function qualifiedKind(object: Printable): string {
  const kind = (object.kind ?? "object").toLowerCase();
  const group = object.apiVersion?.includes("/") ? object.apiVersion.split("/")[0] : undefined;
  return group === undefined ? kind : `${kind}.${group}`;
}
