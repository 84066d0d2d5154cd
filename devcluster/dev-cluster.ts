// Starts devcluster: the store, the controllers and the HTTPS server, then writes the kubeconfig.
import { rmSync } from "node:fs";
import { createServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { join } from "node:path";
import { createRequestHandler } from "./api/index.ts";
import { loadOrCreateCredentials, RbacAuthorizer, ServiceAccountTokens, writeKubeconfig } from "./auth/index.ts";
import { ClusterObjects, DeletionController, WorkloadControllers } from "./controllers/index.ts";
import { DevClusterError } from "./dev-cluster-error.ts";
import { builtinResources, ObjectService, ResourceCatalogue, storageResource } from "./registry/index.ts";
import type { KubeObject } from "./registry/index.ts";
import { defaultRestartBackoff, NodeAgent, openContainerRuntime } from "./node/index.ts";
import { ChangeFeed, Store } from "./storage/index.ts";

export interface DevClusterOptions {
  /** Where state.db, the certificate, the token and the kubeconfig live. */
  dataDir: string;
  /** Default 0: any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default: the system clock. */
  clock?: () => Date;
  /** How long watches can resume from an old resourceVersion; default 5 minutes. */
  historyMillis?: number;
  /** How often watches with allowWatchBookmarks get a BOOKMARK; default 5 s. */
  bookmarkIntervalMillis?: number;
  /** Where internal errors are reported; default stderr. */
  log?: (message: string) => void;
  /**
   * What runs Deployments: "process" (default without `dockerHost`) or "docker" (default with it) run the
   * Deployment and ReplicaSet controllers and a node agent; "off" runs none of them (workload status stays as written).
   */
  runner?: "process" | "docker" | "off";
  /** The Docker engine docker mode runs containers on, e.g. `unix:///var/run/docker.sock`. */
  dockerHost?: string;
  /** The wait before restarting a crashed container the first time (doubling after); default 10 000. */
  restartBackoffMillis?: number;
  /** The longest wait between restarts; default 300 000 (5 minutes). */
  maxRestartBackoffMillis?: number;
  /** Registries (`host:port`) Pods' images are pulled from over plain HTTP; loopback ones always are. */
  insecureRegistries?: string[];
}

export interface DevCluster {
  url: string;
  port: number;
  kubeconfigPath: string;
  token: string;
  close(): Promise<void>;
}

const defaultNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];
const knownOptions = new Set([
  "dataDir",
  "port",
  "host",
  "clock",
  "historyMillis",
  "bookmarkIntervalMillis",
  "log",
  "runner",
  "dockerHost",
  "restartBackoffMillis",
  "maxRestartBackoffMillis",
  "insecureRegistries",
]);

function urlHost(host: string): string {
  if (host === "0.0.0.0" || host === "::") return "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}

function openStore(dataDir: string, historyMillis: number | undefined): Store {
  try {
    return new Store({ dataDir, ...(historyMillis !== undefined ? { historyMillis } : {}) });
  } catch (error) {
    if ((error as { code?: string }).code !== "SQLITE_BUSY") throw error;
    throw new DevClusterError(
      "DEVCLUSTER_DATA_IN_USE",
      `cannot start devcluster on "${dataDir}": another devcluster holds its database; stop that one or pick another ` +
        `--data`,
      { cause: error },
    );
  }
}

export async function startDevCluster(options: DevClusterOptions): Promise<DevCluster> {
  const unknown = Object.keys(options).filter((key) => !knownOptions.has(key));
  if (unknown.length > 0) {
    throw new DevClusterError(
      "DEVCLUSTER_BAD_OPTIONS",
      `cannot start devcluster: unknown option(s) ${unknown.map((key) => `"${key}"`).join(", ")}; the options ` +
        `are ${[...knownOptions].join(", ")}`,
    );
  }
  const { dataDir } = options;
  const host = options.host ?? "127.0.0.1";
  const clock = options.clock ?? (() => new Date());
  const log = options.log ?? ((message: string) => process.stderr.write(`${message}\n`));
  const credentials = await loadOrCreateCredentials(dataDir, options.host ? [options.host] : []);
  const store = openStore(dataDir, options.historyMillis);
  const feed = new ChangeFeed();
  const catalogue = new ResourceCatalogue();
  const crdInfo = builtinResources.find((info) => info.kind === "CustomResourceDefinition")!;
  const crdResource = storageResource(crdInfo);
  const refreshCatalogue = () => catalogue.setCustomResourceDefinitions([...store.list(crdResource)]);
  let deletion: DeletionController | undefined;
  let workloads: WorkloadControllers | undefined;
  let node: NodeAgent | undefined;
  const objects = new ObjectService({
    store,
    feed,
    clock,
    afterCommit: (change) => {
      if (change.resource === crdResource) refreshCatalogue();
      deletion?.notify(change);
      workloads?.notify(change);
      node?.notify(change);
    },
  });
  deletion = new DeletionController({ store, objects, catalogue, log });
  const runner = options.runner ?? (options.dockerHost ? "docker" : "process");
  const clusterObjects = (manager: string) => new ClusterObjects({ objects, store, catalogue, manager, clock });
  let url = "";
  const tokens = new ServiceAccountTokens(credentials.token);
  if (runner !== "off") {
    workloads = new WorkloadControllers({
      deployments: clusterObjects("deployment-controller"),
      replicaSets: clusterObjects("replicaset-controller"),
      clock,
      log,
    });
    const runtime = await openContainerRuntime({
      mode: runner,
      dockerHost: options.dockerHost,
      cacheDir: join(dataDir, "images"),
      insecureRegistries: options.insecureRegistries ?? [],
    });
    node = new NodeAgent({
      cluster: clusterObjects("kubelet"),
      scheduler: clusterObjects("default-scheduler"),
      runtime,
      clock,
      log,
      backoff: {
        ...defaultRestartBackoff,
        ...(options.restartBackoffMillis !== undefined ? { initialMillis: options.restartBackoffMillis } : {}),
        ...(options.maxRestartBackoffMillis !== undefined ? { maxMillis: options.maxRestartBackoffMillis } : {}),
      },
      podsDir: join(dataDir, "pods"),
      writeKubeconfig: (path, pod) => {
        const namespace = pod.metadata.namespace ?? "default";
        const account = (pod.spec as { serviceAccountName?: string }).serviceAccountName ?? "default";
        writeKubeconfig(path, {
          server: url,
          caCertificate: credentials.caCertificate,
          token: tokens.issue({ namespace, name: account }),
          namespace,
        });
      },
    });
  }
  refreshCatalogue();
  const namespaceInfo = builtinResources.find((info) => info.kind === "Namespace")!;
  for (const name of defaultNamespaces) {
    if (!objects.find(namespaceInfo, undefined, name)) {
      const namespace: KubeObject = { apiVersion: "v1", kind: "Namespace", metadata: { name } };
      objects.create(namespaceInfo, undefined, namespace, {
        dryRun: false,
        defaultManager: "kontinue-devcluster",
        fieldValidation: "Ignore",
      });
    }
  }
  deletion.recover();
  workloads?.recover();
  const compaction = setInterval(
    () => {
      try {
        store.compact(clock());
      } catch (error) {
        log(
          `devcluster: compacting the change log failed (will ` +
            `retry): ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    },
    Math.min(5_000, options.historyMillis ?? 5_000),
  );
  compaction.unref();

  let address = "";
  const server = createServer(
    { cert: credentials.certificate, key: credentials.privateKey },
    createRequestHandler({
      authenticator: { adminToken: credentials.token, serviceAccounts: tokens },
      authorizer: new RbacAuthorizer({
        roles: (namespace) => [...store.list("rbac.authorization.k8s.io/roles", { namespace })],
        roleBindings: (namespace) => [...store.list("rbac.authorization.k8s.io/rolebindings", { namespace })],
        clusterRoles: () => [...store.list("rbac.authorization.k8s.io/clusterroles")],
        clusterRoleBindings: () => [...store.list("rbac.authorization.k8s.io/clusterrolebindings")],
      }),
      catalogue,
      objects,
      store,
      feed,
      clock,
      serverAddress: () => address,
      log,
      bookmarkIntervalMillis: options.bookmarkIntervalMillis ?? 5_000,
      ...(node ? { podLogs: node.podLog.bind(node) } : {}),
    }),
  );
  // Tracked by hand: closeAllConnections() misses TLS sockets whose request ended (idle keep-alive, ended watches).
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  server.requestTimeout = 0;
  server.keepAliveTimeout = 65_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    deletion.close();
    workloads?.close();
    clearInterval(compaction);
    store.close();
    throw new DevClusterError(
      "DEVCLUSTER_LISTEN_FAILED",
      `cannot start devcluster on ` +
        `"${host}:${options.port ?? 0}": ${error instanceof Error ? error.message : String(error)}; pick another ` +
        `--port or stop what listens there`,
      { cause: error },
    );
  }
  const port = (server.address() as AddressInfo).port;
  address = `${urlHost(host)}:${port}`;
  url = `https://${address}`;
  const kubeconfigPath = join(dataDir, "kubeconfig");
  writeKubeconfig(kubeconfigPath, { server: url, caCertificate: credentials.caCertificate, token: credentials.token });
  node?.recover();

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    kubeconfigPath,
    token: credentials.token,
    close() {
      closing ??= new Promise<void>((resolve) => {
        rmSync(kubeconfigPath, { force: true });
        clearInterval(compaction);
        deletion?.close();
        workloads?.close();
        const stopped = node?.close() ?? Promise.resolve();
        server.close(() => {
          // A node agent that failed to stop a Pod has logged it; the close goes on, or `cluster serve` never exits.
          void stopped
            .catch((error: unknown) => log(`devcluster: stopping the node agent failed: ${String(error)}`))
            .then(() => {
              store.close();
              resolve();
            });
        });
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
