// The controller's Deployment: `kontinue controller -A --leader-elect` from the image `kontinue install` builds, under
// the controller's ServiceAccount, as a non-root user with no privileges.
import type { V1Deployment } from "@kubernetes/client-node";
import { CONTROLLER_NAME, controllerLabels } from "./controller-rbac.ts";

/** The user the controller image runs as (distroless's `nonroot`). */
export const CONTROLLER_USER = 65532;

export interface ControllerDeploymentOptions {
  namespace: string;
  /** The controller image, pinned by digest. */
  image: string;
  /** Default 1: leader election keeps one active; more replicas are warm standbys. */
  replicas?: number;
}

export function controllerDeployment(options: ControllerDeploymentOptions): V1Deployment {
  const labels = controllerLabels();
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: CONTROLLER_NAME, namespace: options.namespace, labels },
    spec: {
      replicas: options.replicas ?? 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: CONTROLLER_NAME,
          securityContext: { runAsNonRoot: true, runAsUser: CONTROLLER_USER, runAsGroup: CONTROLLER_USER },
          containers: [
            {
              name: "controller",
              image: options.image,
              args: ["controller", "--all-namespaces", "--leader-elect", "--namespace", options.namespace],
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ["ALL"] },
              },
              resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "512Mi" } },
            },
          ],
        },
      },
    },
  };
}
