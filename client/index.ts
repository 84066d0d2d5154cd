// The client library (`kontinue/client`): find the cluster, then start, read, wait for, cancel, signal, retry
// and list executions.
export { resolveCluster, ClusterConfigError, DEVCLUSTER_DATA_DIR } from "./resolve-cluster.ts";
export type { ClusterOptions, ResolvedCluster, ClusterSource } from "./resolve-cluster.ts";
export { createClient, KontinueClient } from "./kontinue-client.ts";
export type {
  KontinueClientOptions,
  CreateExecutionOptions,
  ListOptions,
  ObjectListOptions,
  ObjectSelection,
  ObjectList,
  WatchOptions,
} from "./kontinue-client.ts";
export type { ArgsOf, ResultOf } from "../runtime/client-entry.ts";
export { isFinished, finalPhases } from "./execution-phase.ts";
export { idempotentName } from "./idempotent-name.ts";
export { listAll, DEFAULT_CHUNK_SIZE } from "./list-pages.ts";
export type { ListAllOptions, Page, PageRequest } from "./list-pages.ts";
export { kinds, collectionPath } from "./object-kinds.ts";
export type { ObjectKind, ObjectKinds, KindInfo } from "./object-kinds.ts";
export type { WatchEventType } from "./watch-objects.ts";
export {
  NotFoundError,
  ForbiddenError,
  NoCrdsError,
  UnreachableError,
  UnknownFunctionError,
  ExecutionFailedError,
  WaitTimeoutError,
  ExecutionConflictError,
} from "./client-errors.ts";
export type { Operation } from "./client-errors.ts";
