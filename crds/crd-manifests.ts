// Every CustomResourceDefinition Kontinue installs, in apply order.
import type { CustomResourceDefinition } from "./crd-manifest.ts";
import { executionCrd } from "./execution.ts";
import { functionCrd } from "./function.ts";
import { scheduledExecutionCrd } from "./scheduled-execution.ts";
import { suspensionCrd } from "./suspension.ts";

export const crdManifests: readonly CustomResourceDefinition[] = [
  functionCrd,
  executionCrd,
  suspensionCrd,
  scheduledExecutionCrd,
];

/** The YAML file under `crds/` that holds a CRD: `kontinue.cloud_executions.yaml`. */
export function crdFileName(crd: CustomResourceDefinition): string {
  return `${crd.spec.group}_${crd.spec.names.plural}.yaml`;
}

/** Resource plurals, as the API paths use them. */
export const PLURALS = {
  functions: functionCrd.spec.names.plural,
  executions: executionCrd.spec.names.plural,
  suspensions: suspensionCrd.spec.names.plural,
  scheduledExecutions: scheduledExecutionCrd.spec.names.plural,
} as const;
