// Creates or updates objects by server-side apply, as `kubectl apply --server-side` does.
import { KubernetesObjectApi, PatchStrategy, loadYaml, type KubeConfig, type KubernetesObject } from "@kubernetes/client-node";
import { crdManifests } from "../crds/index.ts";
import { KontinueError } from "../runtime/index.ts";

const fieldManager = "kontinue";

export async function applyObjects(kubeConfig: KubeConfig, objects: readonly KubernetesObject[]): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(kubeConfig);
  for (const object of objects) {
    try {
      // client-node serializes built-in kinds from its typed models (xKubernetesPreserveUnknownFields, not
      // x-kubernetes-preserve-unknown-fields): plain JSON would lose every field whose names differ.
      const typed = loadYaml<KubernetesObject>(JSON.stringify(object));
      await api.patch(typed, undefined, undefined, fieldManager, true, PatchStrategy.ServerSideApply);
    } catch (cause) {
      const subject = `${object.kind} "${object.metadata?.name}"`;
      throw new KontinueError("CLI_APPLY_FAILED", `cannot apply ${subject} to ${kubeConfig.getCurrentCluster()?.server}; check that the cluster is reachable and you may write ${object.kind} objects`, { cause });
    }
  }
}

/** Installs or updates Kontinue's CustomResourceDefinitions. */
export async function applyCrds(kubeConfig: KubeConfig): Promise<void> {
  await applyObjects(kubeConfig, crdManifests as unknown as KubernetesObject[]);
}
