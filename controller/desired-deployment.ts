// The Deployment of one revision of a Function: its image by digest, the worker's environment, probes,
// resources, a grace period that lets workers finish or hand back their executions, and a non-root Pod.
import type { V1Deployment, V1EnvVar, V1ResourceRequirements } from "@kubernetes/client-node";
import { FUNCTION_LABEL, REVISION_LABEL, type FunctionResource } from "../crds/index.ts";
import { scalingSettings } from "./desired-replicas.ts";
import { deploymentName, ownedBy, workerIdentityName, workloadLabels } from "./workload-labels.ts";

/** The port of the worker's /healthz, /readyz and /metrics. */
export const WORKER_METRICS_PORT = 8080;
/** How long a stopping worker has to finish or hand back its executions. */
export const WORKER_SHUTDOWN_GRACE_SECONDS = 25;
/** The Pod's grace period: the worker's own grace, plus time to write the hand-backs. */
export const TERMINATION_GRACE_SECONDS = WORKER_SHUTDOWN_GRACE_SECONDS + 5;
/** The uid workers run as when the image names none (distroless's `nonroot`). */
export const WORKER_UID = 65532;

const fieldRef = (name: string, fieldPath: string): V1EnvVar => ({
  name,
  valueFrom: { fieldRef: { apiVersion: "v1", fieldPath } },
});

/** The worker's environment (the runtime reads it), then the Function's own, which cannot override it. */
export function workerEnv(fn: FunctionResource, revision: { id: string; image: string }): V1EnvVar[] {
  const own: V1EnvVar[] = [
    fieldRef("KONTINUE_NAMESPACE", "metadata.namespace"),
    fieldRef("POD_NAME", "metadata.name"),
    fieldRef("KONTINUE_HEALTH_HOST", "status.podIP"),
    { name: "KONTINUE_IMAGE", value: revision.image },
    { name: "KONTINUE_REVISION", value: revision.id },
    { name: "KONTINUE_CONCURRENCY", value: String(scalingSettings(fn.spec).concurrency) },
    { name: "KONTINUE_METRICS_PORT", value: String(WORKER_METRICS_PORT) },
    { name: "KONTINUE_SHUTDOWN_GRACE_SECONDS", value: String(WORKER_SHUTDOWN_GRACE_SECONDS) },
  ];
  const reserved = new Set(own.map((entry) => entry.name));
  const user = ((fn.spec.env ?? []) as unknown as V1EnvVar[]).filter(
    (entry) => typeof entry?.name === "string" && !reserved.has(entry.name),
  );
  return [...own, ...user];
}

export function desiredDeployment(
  fn: FunctionResource,
  revision: { id: string; image: string },
  replicas: number,
): V1Deployment {
  const labels = workloadLabels(fn, revision.id);
  const probe = (path: string, periodSeconds: number) => ({
    httpGet: { path, port: WORKER_METRICS_PORT, scheme: "HTTP" },
    periodSeconds,
    timeoutSeconds: 1,
    failureThreshold: 3,
  });
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name: deploymentName(fn, revision.id),
      namespace: fn.metadata.namespace,
      labels,
      ownerReferences: [ownedBy(fn)],
    },
    spec: {
      replicas,
      selector: { matchLabels: { [FUNCTION_LABEL]: fn.metadata.name!, [REVISION_LABEL]: revision.id } },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: fn.spec.serviceAccountName ?? workerIdentityName(fn),
          terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: WORKER_UID,
            runAsGroup: WORKER_UID,
            seccompProfile: { type: "RuntimeDefault" },
          },
          containers: [
            {
              name: "worker",
              image: revision.image,
              env: workerEnv(fn, revision),
              ports: [{ name: "metrics", containerPort: WORKER_METRICS_PORT, protocol: "TCP" }],
              readinessProbe: probe("/readyz", 2),
              livenessProbe: probe("/healthz", 10),
              resources: (fn.spec.resources ?? {}) as V1ResourceRequirements,
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
            },
          ],
        },
      },
    },
  };
}
