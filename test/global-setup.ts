// vitest globalSetup: one Kubernetes API for the whole run, provided to tests as inject("kubeconfig").
// KONTINUE_TEST_KUBECONFIG names a real cluster; otherwise one devcluster is started for the run.
import { rmSync } from "node:fs";
import { resolve } from "node:path";
import type { TestProject } from "vitest/node";
import { applyCrds, serveDevCluster } from "./fixtures/devcluster-fixture.ts";

declare module "vitest" {
  export interface ProvidedContext {
    kubeconfig: string;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const external = process.env.KONTINUE_TEST_KUBECONFIG;
  if (external) {
    const kubeconfig = resolve(external);
    await applyCrds(kubeconfig);
    project.provide("kubeconfig", kubeconfig);
    return undefined;
  }
  const cluster = await serveDevCluster();
  try {
    await applyCrds(cluster.kubeconfigPath);
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  project.provide("kubeconfig", cluster.kubeconfigPath);
  return async () => {
    await cluster.stop();
    rmSync(cluster.dataDir, { recursive: true, force: true });
  };
}
