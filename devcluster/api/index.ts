// devcluster's HTTP API: routing, resource endpoints, discovery, OpenAPI, tables, watch streams.
export { createRequestHandler } from "./request-handler.ts";
export type { ContainerLogView, LogReadOptions, PodLogRequest, PodLogSource } from "./pod-log-endpoint.ts";
