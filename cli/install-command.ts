// `kontinue install`: the CRDs, the controller (its image built by Kontinue's builder), its ServiceAccount and RBAC.
import type { Command } from "commander";

export interface InstallCommandOptions {
  registry?: string;
  print?: boolean;
  namespace: string;
  kubeconfig?: string;
  context?: string;
  base?: string;
  platform?: string;
  insecureRegistry?: boolean;
  timeout: string;
}

export function registerInstallCommand(program: Command): void {
  program
    .command("install")
    .option("--registry <host[:port]/prefix>", "where to push the controller image (<registry>/<prefix>/controller)")
    .option("--print", "print the manifests (YAML, --- separated) instead of applying them; the image is still pushed")
    .option("-n, --namespace <namespace>", "the controller's namespace", "kontinue-system")
    .option("--kubeconfig <file>", "the kubeconfig to use (default: $KUBECONFIG, then ~/.kube/config)")
    .option("--context <context>", "the kubeconfig context to use (default: its current context)")
    .option("--base <image>", "base image with Node for the controller (default: the official Node LTS slim image)")
    .option("--platform <list>", "comma-separated platforms of the image (default: linux/amd64 and linux/arm64)")
    .option("--insecure-registry", "plain HTTP for the target registry and loopback registries")
    .option("--timeout <seconds>", "how long to wait for the CRDs and the controller to be ready", "180")
    .action(async (options: InstallCommandOptions) => {
      const { runInstall } = await import("./install.ts");
      await runInstall(options);
    });
}
