// Everything `kontinue install` applies, in order: the CRDs, the controller's namespace, its ServiceAccount and RBAC,
// and its Deployment.
import type { KubernetesObject, V1Namespace } from "@kubernetes/client-node";
import { crdManifests } from "./crd-manifests.ts";
import { controllerDeployment } from "./controller-deployment.ts";
import {
  controllerClusterRole,
  controllerClusterRoleBinding,
  controllerLabels,
  controllerServiceAccount,
  leaderElectionRole,
  leaderElectionRoleBinding,
} from "./controller-rbac.ts";

export const DEFAULT_INSTALL_NAMESPACE = "kontinue-system";

export interface InstallManifestsOptions {
  /** Where the controller runs and holds its Lease (default DEFAULT_INSTALL_NAMESPACE). */
  namespace?: string;
  /** The controller image, pinned by digest. */
  image: string;
}

export function installManifests(options: InstallManifestsOptions): KubernetesObject[] {
  const namespace = options.namespace ?? DEFAULT_INSTALL_NAMESPACE;
  const ns: V1Namespace = {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: namespace, labels: controllerLabels() },
  };
  return [
    ...(crdManifests as unknown as KubernetesObject[]),
    ns,
    controllerServiceAccount(namespace),
    controllerClusterRole(),
    controllerClusterRoleBinding(namespace),
    leaderElectionRole(namespace),
    leaderElectionRoleBinding(namespace),
    controllerDeployment({ namespace, image: options.image }),
  ];
}
