// Creates or updates objects by server-side apply, as `kubectl apply --server-side` does; Kontinue's
// CustomResourceDefinitions over the runtime's keep-alive transport (one connection, no discovery round trips).
import {
  KubernetesObjectApi,
  PatchStrategy,
  loadYaml,
  type KubeConfig,
  type KubernetesObject,
} from "@kubernetes/client-node";
import { crdManifests } from "../crds/index.ts";
import { KontinueError, createKubeHttp } from "../runtime/index.ts";

const fieldManager = "kontinue";

/** Server-side applies objects of any kind, one after another (a Namespace before what lives in it). */
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
const crdPath = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

interface CrdStatus {
  status?: { conditions?: Array<{ type: string; status: string }> };
}

/** Installs or updates Kontinue's CustomResourceDefinitions and waits until the API serves them (Established). */
export async function applyCrds(kubeConfig: KubeConfig, options: { timeoutMs?: number } = {}): Promise<void> {
  const http = createKubeHttp(kubeConfig);
  const established = (crd: CrdStatus) =>
    crd.status?.conditions?.some((condition) => condition.type === "Established" && condition.status === "True");
  const pending = await Promise.all(
    crdManifests.map(async (crd) => {
      try {
        const applied = (await http({
          method: "PATCH",
          path: `${crdPath}/${crd.metadata.name}?fieldManager=${fieldManager}&force=true`,
          body: crd,
          contentType: "application/apply-patch+yaml",
        })) as CrdStatus;
        return established(applied) ? undefined : crd.metadata.name;
      } catch (cause) {
        throw new KontinueError(
          "CLI_APPLY_FAILED",
          `cannot apply CustomResourceDefinition "${crd.metadata.name}" to ` +
            `${kubeConfig.getCurrentCluster()?.server}; check that the cluster is reachable and you may write ` +
            "CustomResourceDefinitions",
          { cause },
        );
      }
    }),
  );
  const timeoutMs = options.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  for (const name of pending) {
    if (name === undefined) continue;
    for (;;) {
      const crd = (await http({ method: "GET", path: `${crdPath}/${name}` }).catch(() => ({}))) as CrdStatus;
      if (established(crd)) break;
      if (Date.now() > deadline) {
        throw new KontinueError(
          "CLI_CRD_NOT_ESTABLISHED",
          `the CustomResourceDefinition "${name}" is not Established after ${timeoutMs / 1000}s; see ` +
            `"kubectl describe crd ${name}"`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
