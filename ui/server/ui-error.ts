// The errors the UI server throws on purpose; the HTTP layer answers them with their status and message.
import { KontinueError } from "../../runtime/index.ts";

export type UiErrorCode =
  | "UI_NOT_BUILT"
  | "UI_BAD_REQUEST"
  | "UI_NOT_FOUND"
  | "UI_FORBIDDEN_ORIGIN"
  | "UI_BAD_TOKEN"
  | "UI_PORT_IN_USE"
  | "UI_FORBIDDEN"
  | "UI_TOKEN_FILE";

const statusOf: Record<UiErrorCode, number> = {
  UI_NOT_BUILT: 500,
  UI_BAD_REQUEST: 400,
  UI_NOT_FOUND: 404,
  UI_FORBIDDEN_ORIGIN: 403,
  UI_BAD_TOKEN: 401,
  UI_PORT_IN_USE: 500,
  UI_FORBIDDEN: 403,
  UI_TOKEN_FILE: 500,
};

export class UiError extends KontinueError {
  declare readonly code: UiErrorCode;
  /** The HTTP status the server answers with. */
  readonly status: number;
  constructor(code: UiErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, { ...options, terminal: true });
    this.name = "UiError";
    this.status = statusOf[code];
  }
}
