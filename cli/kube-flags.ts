// The kubectl-style connection flags several commands share: --kubeconfig and --namespace.
import type { Command } from "commander";

export interface KubeOptions {
  kubeconfig?: string;
  namespace?: string;
}

export function addKubeOptions(command: Command): Command {
  return command
    .option("--kubeconfig <file>", "the kubeconfig to use (default: $KUBECONFIG, then ~/.kube/config)")
    .option("-n, --namespace <namespace>", 'the namespace (default: the kubeconfig context\'s, then "default")');
}
