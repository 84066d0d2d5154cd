// The runtime's second entry, for the client library and the CLI's client commands: errors, the API transport,
// resource and signal clients, and the types a Function file's types are read with — no worker, no metrics.
// (A bundle reaches every file an entry re-exports, so importing runtime/index.ts would load prom-client.)
export { KontinueError, isKontinueError, describeErrorChain } from "./kontinue-error.ts";
export type { KontinueErrorOptions } from "./kontinue-error.ts";
export type { ArgsOf, ResultOf } from "./context.ts";
export { createKubeHttp, apiStatus, isTransientFailure, KubeApiError } from "./kube-http.ts";
export type { KubeHttp, KubeRequest, KubeHttpOptions } from "./kube-http.ts";
export { ResourceClient, kontinueResources } from "./resource-client.ts";
export type { KontinueResources, ResourceList } from "./resource-client.ts";
export { sendSignal, SignalRefusedError } from "./send-signal.ts";
export type { SendSignalOptions, SendSignalResult } from "./send-signal.ts";
