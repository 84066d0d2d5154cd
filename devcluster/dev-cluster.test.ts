import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { isKontinueError } from "../runtime/index.ts";
import { startDevCluster } from "./dev-cluster.ts";
import type { DevCluster } from "./dev-cluster.ts";

const dirs: string[] = [];
const clusters: DevCluster[] = [];
afterEach(async () => {
  for (const cluster of clusters.splice(0)) await cluster.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "kontinue-devcluster-start-"));
  dirs.push(dir);
  return dir;
}

describe("startDevCluster", () => {
  it(
    "writes a kubeconfig for cluster kontinue-dev with the CA, the token and namespace default; keeps the token " +
      "across restarts",
    async () => {
      const dir = dataDir();
      const first = await startDevCluster({ dataDir: dir, log: () => undefined });
      const kubeconfig = readFileSync(first.kubeconfigPath, "utf8");
      expect(first.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(kubeconfig).toContain(`server: ${first.url}`);
      expect(kubeconfig).toContain("certificate-authority-data: ");
      expect(kubeconfig).toContain(`token: ${first.token}`);
      expect(kubeconfig).toContain("namespace: default");
      expect(kubeconfig).toContain("current-context: kontinue-dev");
      await first.close();
      const second = await startDevCluster({ dataDir: dir, log: () => undefined });
      clusters.push(second);
      expect(second.token).toBe(first.token);
    },
  );

  it("refuses a second server on the same data dir", async () => {
    const dir = dataDir();
    clusters.push(await startDevCluster({ dataDir: dir, log: () => undefined }));
    const error = await startDevCluster({ dataDir: dir, log: () => undefined }).catch((thrown: unknown) => thrown);
    expect(isKontinueError(error, "DEVCLUSTER_DATA_IN_USE")).toBe(true);
  });

  it("rejects unknown options", async () => {
    const error = await startDevCluster({ dataDir: dataDir(), prot: 1 } as never).catch((thrown: unknown) => thrown);
    expect(isKontinueError(error, "DEVCLUSTER_BAD_OPTIONS")).toBe(true);
  });
});
