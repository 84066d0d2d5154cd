// The kubectl-style connection flags the commands share: --kubeconfig, --context, --namespace, --verbose.
import type { Command } from "commander";

export interface KubeOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  verbose?: boolean;
}

export function addKubeOptions(command: Command): Command {
  return command
    .option(
      "--kubeconfig <file>",
      "the kubeconfig to use (default: $KUBECONFIG, then ~/.kube/config, then the project's .kontinue/cluster)",
    )
    .option("--context <name>", "the kubeconfig context to use (default: its current-context)")
    .option("-n, --namespace <namespace>", 'the namespace (default: the kubeconfig context\'s, then "default")')
    .option("-v, --verbose", "say which cluster the command talks to (always said when found without a flag)");
}
