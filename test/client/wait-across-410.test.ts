// On a devcluster that keeps one second of watch history: a client without CRDs says "kontinue install", and
// waitForResult, whose watch starts from a resourceVersion already compacted (410 Gone), re-lists and goes on.
import { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../../client/index.ts";
import { API_VERSION, PLURALS } from "../../crds/index.ts";
import { createKubeHttp, kontinueResources } from "../../runtime/index.ts";
import { applyCrds, type ServedDevCluster, serveDevCluster } from "../fixtures/devcluster-fixture.ts";
import { waitFor } from "../fixtures/wait-for.ts";
import { watchAnswer } from "../fixtures/watch-answer.ts";

describe("client on a devcluster with a short watch history", () => {
  let cluster: ServedDevCluster;

  beforeAll(async () => {
    cluster = await serveDevCluster({ watchHistorySeconds: 1 });
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  it("says the CRDs are not installed, then waits across a 410 Gone once they are", async () => {
    const client = createClient({ kubeconfig: cluster.kubeconfigPath });
    try {
      await expect(client.createExecution("greet", null)).rejects.toMatchObject({
        code: "CLIENT_NO_CRDS",
        message: expect.stringContaining('"kontinue install"'),
      });
      await applyCrds(cluster.kubeconfigPath);
      const created = await client.createExecution("greet", { n: 1 });
      const name = created.metadata.name!;
      const kubeConfig = new KubeConfig();
      kubeConfig.loadFromFile(cluster.kubeconfigPath);
      const { executions } = kontinueResources(createKubeHttp(kubeConfig));
      // Other writes move the resourceVersion on until the execution's own version has left the history.
      await waitFor(
        "the execution's resourceVersion to be compacted (a watch from it answers 410)",
        async () => {
          await executions.create("default", {
            apiVersion: API_VERSION,
            kind: "Execution",
            metadata: { generateName: "filler-" },
            spec: { function: "filler" },
          });
          const path = `/apis/${API_VERSION}/namespaces/default/${PLURALS.executions}`;
          return (await watchAnswer(kubeConfig, path, created.metadata.resourceVersion!)) === 410;
        },
        30_000,
        300,
      );
      let settled = false;
      const result = client.waitForResult(name, { timeoutMs: 60_000 }).finally(() => (settled = true));
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(settled).toBe(false);
      const current = (await executions.get("default", name))!;
      await executions.replaceStatus({ ...current, status: { phase: "Completed", result: { done: true } } });
      expect(await result).toEqual({ done: true });
    } finally {
      client.close();
    }
  });
});
