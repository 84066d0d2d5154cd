// devcluster: an embedded, persistent, Kubernetes-API-compatible HTTPS server for kubectl and client-node.
export { startDevCluster } from "./dev-cluster.ts";
export type { DevCluster, DevClusterOptions } from "./dev-cluster.ts";
export { DevClusterError } from "./dev-cluster-error.ts";
export type { DevClusterErrorCode } from "./dev-cluster-error.ts";
