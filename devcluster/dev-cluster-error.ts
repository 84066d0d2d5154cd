// Errors devcluster itself raises while starting (not API answers, which are ApiError Statuses).
import { KontinueError } from "../runtime/index.ts";
import type { KontinueErrorOptions } from "../runtime/index.ts";

export type DevClusterErrorCode =
  | "DEVCLUSTER_BAD_OPTIONS"
  | "DEVCLUSTER_LISTEN_FAILED"
  | "DEVCLUSTER_DATA_IN_USE"
  | "DEVCLUSTER_DOCKER_UNAVAILABLE";

export class DevClusterError extends KontinueError {
  constructor(code: DevClusterErrorCode, message: string, options: KontinueErrorOptions = {}) {
    super(code, message, { terminal: true, ...options });
    this.name = "DevClusterError";
  }
}
