// Connects to the cluster a command's --kubeconfig and --namespace name, as kubectl picks them.
import { KubeConfig } from "@kubernetes/client-node";
import { KontinueError } from "../runtime/index.ts";
import type { KubeOptions } from "./kube-flags.ts";

/** Loads the kubeconfig the flags name and picks the namespace as kubectl does. */
export function connect(options: KubeOptions): { kubeConfig: KubeConfig; namespace: string } {
  const kubeConfig = new KubeConfig();
  try {
    if (options.kubeconfig) kubeConfig.loadFromFile(options.kubeconfig);
    else kubeConfig.loadFromDefault();
  } catch (cause) {
    const source = options.kubeconfig ?? process.env.KUBECONFIG ?? "~/.kube/config";
    throw new KontinueError(
      "CLI_KUBECONFIG",
      `cannot load the kubeconfig "${source}"; start a local cluster with "kontinue cluster serve --data ` +
        `.kontinue/cluster" and pass its kubeconfig with --kubeconfig`,
      { cause, terminal: true },
    );
  }
  if (!kubeConfig.getCurrentCluster()) {
    throw new KontinueError(
      "CLI_KUBECONFIG",
      `the kubeconfig "${options.kubeconfig ?? process.env.KUBECONFIG ?? "~/.kube/config"}" has no current cluster; ` +
        `set one with "kubectl config use-context" or pass --kubeconfig`,
      { terminal: true },
    );
  }
  const namespace =
    options.namespace ?? kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace ?? "default";
  return { kubeConfig, namespace };
}
