// The web UI: a small Node server (one informer per kind, an SSE stream, actions through the client) and its app.
export { startUiServer } from "./server/start-ui-server.ts";
export type { UiServer, UiServerOptions } from "./server/start-ui-server.ts";
export { buildUiApp } from "./server/build-ui-app.ts";
export type { BuildUiAppOptions, BuiltUiApp } from "./server/build-ui-app.ts";
export { UiError } from "./server/ui-error.ts";
export type { UiErrorCode } from "./server/ui-error.ts";
export { loadUiToken, uiTokenFile } from "./server/ui-token.ts";
export type { UiToken, UiTokenOptions } from "./server/ui-token.ts";
export { ResourceStream } from "./server/resource-stream.ts";
export type { StreamChange, StreamKind, StreamMessage, ResourceStreamOptions } from "./server/resource-stream.ts";
export type { ExecutionRow } from "./server/execution-row.ts";
export type { FunctionRow } from "./server/function-row.ts";
export type { ScheduleRow } from "./server/schedule-row.ts";
export type { ExecutionDetail } from "./server/execution-detail.ts";
export type { WaitBreakdown } from "./server/wait-breakdown.ts";
export type { HistoryPoint } from "./server/function-history.ts";
