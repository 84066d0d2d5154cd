// Creates or updates objects by server-side apply, as `kubectl apply --server-side` does.
import {
  ApiextensionsV1Api,
  KubernetesObjectApi,
  PatchStrategy,
  loadYaml,
  type KubeConfig,
  type KubernetesObject,
} from "@kubernetes/client-node";
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
      throw new KontinueError(
        "CLI_APPLY_FAILED",
        `cannot apply ${subject} to ${kubeConfig.getCurrentCluster()?.server}; check that the cluster is reachable ` +
          `and you may write ${object.kind} objects`,
        { cause },
      );
    }
  }
}

/** Installs or updates Kontinue's CustomResourceDefinitions and waits until the API serves them (Established). */
export async function applyCrds(kubeConfig: KubeConfig, options: { timeoutMs?: number } = {}): Promise<void> {
  await applyObjects(kubeConfig, crdManifests as unknown as KubernetesObject[]);
  const api = kubeConfig.makeApiClient(ApiextensionsV1Api);
  const timeoutMs = options.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  for (const { metadata } of crdManifests) {
    for (;;) {
      const crd = await api.readCustomResourceDefinition({ name: metadata.name }).catch(() => undefined);
      if (crd?.status?.conditions?.some((condition) => condition.type === "Established" && condition.status === "True"))
        break;
      if (Date.now() > deadline) {
        throw new KontinueError(
          "CLI_CRD_NOT_ESTABLISHED",
          `the CustomResourceDefinition "${metadata.name}" is not Established after ${timeoutMs / 1000}s; see ` +
            `"kubectl describe crd ${metadata.name}"`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
