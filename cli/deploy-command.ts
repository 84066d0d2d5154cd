// `kontinue deploy <dir>`: build and push each Function's image, apply the Functions, wait until they are Ready.
import { InvalidArgumentError, type Command } from "commander";
import { resolve } from "node:path";
import { createInterface } from "node:readline/promises";
import type { DeployOptions } from "./deploy.ts";

function positiveSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new InvalidArgumentError(`"${value}" is not a positive number of seconds`);
  return seconds;
}

export function registerDeployCommand(program: Command): void {
  program
    .command("deploy")
    .argument("<dir>", "the folder of Function files")
    .option(
      "--registry <host[:port]/prefix>",
      "push images to <registry>/<prefix>/<function> (default: $KONTINUE_REGISTRY)",
    )
    .option("--base <image>", "base image (default: the official Node LTS slim image, see builder/README.md)")
    .option("--platform <list>", "comma-separated platforms, e.g. linux/amd64 (default: those of the base)")
    .option("--kubeconfig <file>", "the kubeconfig to use (default: $KUBECONFIG, ~/.kube/config, then the devcluster)")
    .option("--context <name>", "the kubeconfig context (default: its current context)")
    .option("-n, --namespace <namespace>", 'the namespace (default: the context\'s, then "default")')
    .option("--timeout <seconds>", "how long to wait for the Functions to be Ready", positiveSeconds, 120)
    .option("--dry-run", "build, push nothing, and print the Function manifests")
    .option("--prune", "delete Functions this command deployed that are no longer in the folder")
    .option("-y, --yes", "do not ask before --prune deletes")
    .option("--insecure-registry", "plain HTTP for the target registry (loopback registries always are)")
    .action(async (dir: string, options: DeployOptions) => {
      const { runDeploy } = await import("./deploy.ts");
      await runDeploy(resolve(dir), options, {
        stdout: (text) => void process.stdout.write(text),
        stderr: (text) => void process.stderr.write(text),
        interactive: process.stderr.isTTY === true && process.stdin.isTTY === true,
        confirm: async (question) => {
          const readline = createInterface({ input: process.stdin, output: process.stderr });
          try {
            return /^y(es)?$/i.test((await readline.question(question)).trim());
          } finally {
            readline.close();
          }
        },
      });
    });
}
