// The errors `kontinue build` throws on purpose: one class per stage, each with a stable code.
import { KontinueError } from "../runtime/index.ts";

export type BuildErrorCode =
  | "BUILD_BAD_OPTIONS"
  | "BUILD_NO_FUNCTIONS"
  | "BUILD_DUPLICATE_FUNCTION"
  | "BUILD_BUNDLE_FAILED"
  | "BUILD_NO_DEFAULT_EXPORT"
  | "BUILD_NOT_A_FUNCTION_DEFINITION"
  | "BUILD_OPTIONS_FAILED"
  | "BUILD_NATIVE_ADDON"
  | "BUILD_BAD_REFERENCE"
  | "BUILD_NO_PLATFORM"
  | "BUILD_BASE_DIGEST_MISMATCH"
  | "BUILD_BASE_NO_NODE"
  | "BUILD_BASE_NODE_TOO_OLD"
  | "BUILD_OUTPUT_FAILED";

/** A build input or output problem; `file`/`line` point at the Function file when known. */
export class BuildError extends KontinueError {
  declare readonly code: BuildErrorCode;
  readonly file: string | undefined;
  readonly line: number | undefined;

  constructor(code: BuildErrorCode, message: string, options: { cause?: unknown; file?: string; line?: number } = {}) {
    super(code, message, { cause: options.cause, terminal: true });
    this.name = "BuildError";
    this.file = options.file;
    this.line = options.line;
  }
}

export type RegistryErrorCode =
  | "BUILD_REGISTRY_UNREACHABLE"
  | "BUILD_REGISTRY_UNAUTHORIZED"
  | "BUILD_PUSH_DENIED"
  | "BUILD_IMAGE_NOT_FOUND"
  | "BUILD_REGISTRY_FAILED";

/** A registry answered with an error (or not at all) for one repository. */
export class RegistryError extends KontinueError {
  declare readonly code: RegistryErrorCode;
  readonly registry: string;
  readonly repository: string;
  readonly status: number | undefined;
  /** What the registry's Retry-After asked for (429/503), in milliseconds. */
  readonly retryAfterMs: number | undefined;

  constructor(
    code: RegistryErrorCode,
    message: string,
    context: { registry: string; repository: string; status?: number; retryAfterMs?: number; cause?: unknown },
  ) {
    super(code, message, {
      cause: context.cause,
      terminal: code !== "BUILD_REGISTRY_FAILED" && code !== "BUILD_REGISTRY_UNREACHABLE",
    });
    this.name = "RegistryError";
    this.registry = context.registry;
    this.repository = context.repository;
    this.status = context.status;
    this.retryAfterMs = context.retryAfterMs;
  }
}
