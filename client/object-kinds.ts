// The kinds the client reads, each with its API path prefix, plural and RBAC resource name.
import type { CoreV1Event, V1Deployment, V1Pod } from "@kubernetes/client-node";
import {
  API_VERSION,
  type Execution,
  type FunctionResource,
  PLURALS,
  type ScheduledExecution,
  type Suspension,
} from "../crds/index.ts";

export interface ObjectKinds {
  executions: Execution;
  functions: FunctionResource;
  schedules: ScheduledExecution;
  suspensions: Suspension;
  deployments: V1Deployment;
  pods: V1Pod;
  events: CoreV1Event;
}

export type ObjectKind = keyof ObjectKinds;

export interface KindInfo {
  /** `/apis/kontinue.cloud/v1alpha1`, `/apis/apps/v1`, `/api/v1`. */
  prefix: string;
  plural: string;
  /** As RBAC and messages name it: `executions.kontinue.cloud`, `deployments.apps`, `pods`. */
  resource: string;
}

const kontinue = (plural: string): KindInfo => ({
  prefix: `/apis/${API_VERSION}`,
  plural,
  resource: `${plural}.kontinue.cloud`,
});

export const kinds: Readonly<Record<ObjectKind, KindInfo>> = {
  executions: kontinue(PLURALS.executions),
  functions: kontinue(PLURALS.functions),
  schedules: kontinue(PLURALS.scheduledExecutions),
  suspensions: kontinue(PLURALS.suspensions),
  deployments: { prefix: "/apis/apps/v1", plural: "deployments", resource: "deployments.apps" },
  pods: { prefix: "/api/v1", plural: "pods", resource: "pods" },
  events: { prefix: "/api/v1", plural: "events", resource: "events" },
};

/** The collection path of a kind in a namespace. */
export function collectionPath(kind: ObjectKind, namespace: string): string {
  const info = kinds[kind];
  return `${info.prefix}/namespaces/${encodeURIComponent(namespace)}/${info.plural}`;
}
