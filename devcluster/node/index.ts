// devcluster's node agent (what a kubelet does): runs Pods' containers as local processes or on a
// Docker engine, probes them, restarts them, stops them gracefully, and keeps their logs.
export { NodeAgent } from "./node-agent.ts";
export type { NodeAgentOptions } from "./node-agent.ts";
export { openContainerRuntime } from "./open-container-runtime.ts";
export type { ContainerRuntime } from "./container-runtime.ts";
export { defaultRestartBackoff } from "./restart-backoff.ts";
export type { RestartBackoff } from "./restart-backoff.ts";
