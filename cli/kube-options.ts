// The kubectl-style connection flags several commands share: --kubeconfig and --namespace.
import { KubeConfig } from "@kubernetes/client-node";
import type { Command } from "commander";
import { KontinueError } from "../runtime/index.ts";

export interface KubeOptions {
  kubeconfig?: string;
  namespace?: string;
}

export function addKubeOptions(command: Command): Command {
  return command
    .option("--kubeconfig <file>", "the kubeconfig to use (default: $KUBECONFIG, then ~/.kube/config)")
    .option("-n, --namespace <namespace>", "the namespace (default: the kubeconfig context's, then \"default\")");
}

/** Loads the kubeconfig the flags name and picks the namespace as kubectl does. */
export function connect(options: KubeOptions): { kubeConfig: KubeConfig; namespace: string } {
  const kubeConfig = new KubeConfig();
  try {
    if (options.kubeconfig) kubeConfig.loadFromFile(options.kubeconfig);
    else kubeConfig.loadFromDefault();
  } catch (cause) {
    const source = options.kubeconfig ?? process.env.KUBECONFIG ?? "~/.kube/config";
    throw new KontinueError("CLI_KUBECONFIG", `cannot load the kubeconfig "${source}"; start a local cluster with "kontinue cluster serve --data .kontinue/cluster" and pass its kubeconfig with --kubeconfig`, { cause, terminal: true });
  }
  if (!kubeConfig.getCurrentCluster()) {
    throw new KontinueError("CLI_KUBECONFIG", `the kubeconfig "${options.kubeconfig ?? process.env.KUBECONFIG ?? "~/.kube/config"}" has no current cluster; set one with "kubectl config use-context" or pass --kubeconfig`, { terminal: true });
  }
  const namespace = options.namespace ?? kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace ?? "default";
  return { kubeConfig, namespace };
}
