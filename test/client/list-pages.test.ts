// Paging on a devcluster that keeps one second of history: listAllObjects reads more objects than a chunk, page by
// page at one resourceVersion; a continue token that expires between pages (410 Expired) restarts the list as one
// unpaged request, as client-go's pager does. Real kubectl reads devcluster's expired-token 410 as kube-apiserver's,
// and the token that answer carries goes on with the rest of the list.
import { get, type RequestOptions } from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../../client/index.ts";
import { API_VERSION, type Execution } from "../../crds/index.ts";
import { createKubeHttp, type KubeHttp, type KubeRequest } from "../../runtime/index.ts";
import { applyCrds, loadKubeConfig, type ServedDevCluster, serveDevCluster } from "../fixtures/devcluster-fixture.ts";
import { Kubectl } from "../fixtures/kubectl.ts";
import { waitFor } from "../fixtures/wait-for.ts";

const executionsPath = `/apis/${API_VERSION}/namespaces/default/executions`;

describe("listing page by page", { timeout: 120_000 }, () => {
  let cluster: ServedDevCluster;
  let http: KubeHttp;
  const filler = (name: string): Promise<unknown> =>
    http({
      method: "POST",
      path: executionsPath,
      body: { apiVersion: API_VERSION, kind: "Execution", metadata: { name }, spec: { function: "filler" } },
    });
  /** Writes until the list at `token`'s resourceVersion has left the history (the token answers 410). */
  const expire = async (token: string): Promise<void> => {
    let writes = 0;
    await waitFor(
      "the continue token to expire",
      async () => {
        await filler(`late-${writes++}`);
        const status = await http({ method: "GET", path: `${executionsPath}?limit=1&continue=${token}` }).then(
          () => 200,
          (error: { status?: number }) => error.status,
        );
        return status === 410;
      },
      30_000,
      300,
    );
  };

  beforeAll(async () => {
    cluster = await serveDevCluster({ watchHistorySeconds: 1 });
    await applyCrds(cluster.kubeconfigPath);
    http = createKubeHttp(loadKubeConfig(cluster.kubeconfigPath));
    for (let i = 0; i < 7; i++) await filler(`early-${i}`);
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  /** A client whose requests are recorded (path with query), and which runs `between` after the first page. */
  const recordingClient = (between?: (firstPage: { metadata: { continue?: string } }) => Promise<void>) => {
    const requests: string[] = [];
    const recording: KubeHttp = async (request: KubeRequest) => {
      requests.push(decodeURIComponent(request.path.replace(executionsPath, "")));
      const answer = await http(request);
      if (requests.length === 1 && between) await between(answer as { metadata: { continue?: string } });
      return answer;
    };
    return { client: createClient({ kubeconfig: cluster.kubeconfigPath }, { http: recording }), requests };
  };
  const names = (items: Execution[]) => items.map((item) => item.metadata.name!);

  it("reads more objects than a chunk in pages of chunkSize, all at the first page's resourceVersion", async () => {
    const { client, requests } = recordingClient();
    try {
      const all = await client.listAllObjects("executions", { chunkSize: 3 });
      expect(names(all.items)).toEqual(Array.from({ length: 7 }, (_, i) => `early-${i}`));
      expect(requests).toHaveLength(3);
      expect(requests[0]).toBe("?limit=3");
      expect(requests[1]).toMatch(/^\?limit=3&continue=/);
      const listed = await client.list({ chunkSize: 0 });
      expect(names(listed.items)).toEqual(names(all.items));
      expect(requests[3]).toBe("");
    } finally {
      client.close();
    }
  });

  it("restarts as one unpaged list when the continue token expires between pages", async () => {
    let expiredToken = "";
    const { client, requests } = recordingClient(async (first) => {
      expiredToken = first.metadata.continue!;
      await expire(expiredToken);
    });
    try {
      const listed: { items: Execution[]; resourceVersion: string } = await client.list({ chunkSize: 2 });
      expect(requests[0]).toBe("?limit=2");
      expect(requests[1]).toBe(`?limit=2&continue=${expiredToken}`);
      expect(requests.slice(2)).toEqual([""]);
      // One snapshot: the objects written while the token expired are there, and nothing twice.
      expect(names(listed.items)).toContain("late-0");
      expect(new Set(names(listed.items)).size).toBe(listed.items.length);
      const current = (await http({ method: "GET", path: executionsPath })) as { items: Execution[] };
      expect(names(listed.items)).toEqual(names(current.items));
    } finally {
      client.close();
    }
  });

  it("devcluster's expired-token 410 is kube-apiserver's: kubectl reads it as Expired, its token goes on", async () => {
    const kubectl = new Kubectl(cluster.kubeconfigPath);
    try {
      const path = executionsPath;
      const first = JSON.parse(await kubectl.ok(["get", "--raw", `${path}?limit=2`])) as {
        items: Execution[];
        metadata: { continue: string };
      };
      await expire(first.metadata.continue);
      const expired = await kubectl.run(["get", "--raw", `${path}?limit=2&continue=${first.metadata.continue}`]);
      expect(expired.code).not.toBe(0);
      expect(expired.stderr).toContain("Error from server (Expired): The provided continue parameter is too old");
      const answer = await fetchStatus(cluster, `${path}?limit=2&continue=${first.metadata.continue}`);
      expect(answer).toMatchObject({ kind: "Status", code: 410, reason: "Expired" });
      const rest = JSON.parse(await kubectl.ok(["get", "--raw", `${path}?continue=${answer.metadata.continue}`])) as {
        items: Execution[];
      };
      const everything = (await http({ method: "GET", path })) as { items: Execution[] };
      expect(names(rest.items)).toEqual(names(everything.items).slice(2));
    } finally {
      kubectl.dispose();
    }
  });
});

/** The raw Status body of a failing GET (a KubeApiError keeps its reason, message and details, not its ListMeta). */
async function fetchStatus(
  cluster: ServedDevCluster,
  path: string,
): Promise<{ kind: string; code: number; reason: string; metadata: { continue: string } }> {
  const kubeConfig = loadKubeConfig(cluster.kubeconfigPath);
  const options: RequestOptions = {};
  await kubeConfig.applyToHTTPSOptions(options);
  const server = new URL(kubeConfig.getCurrentCluster()!.server);
  return new Promise((resolve, reject) => {
    get({ ...options, host: server.hostname, port: server.port, path }, (response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => (body += chunk.toString()));
      response.on("end", () => resolve(JSON.parse(body)));
    }).on("error", reject);
  });
}
