// devcluster's HTTP API: routing, resource endpoints, discovery, OpenAPI, tables, watch streams.
export { createRequestHandler } from "./request-handler.ts";
