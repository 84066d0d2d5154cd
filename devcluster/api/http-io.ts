// Reading request bodies (JSON, YAML for apply; protobuf refused) and writing JSON answers and Status errors.
import type { IncomingMessage, ServerResponse } from "node:http";
import { parse as parseYaml } from "yaml";
import { ApiError, badRequest, internalError } from "../registry/index.ts";

const maxBodyBytes = 3 * 1024 * 1024;

const protobufMediaType = "application/vnd.kubernetes.protobuf";

/** The raw body, or 413 past kube-apiserver's 3 MiB request limit. */
export function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        request.removeAllListeners("data");
        request.resume();
        reject(new ApiError(413, "RequestEntityTooLarge", `Request entity too large: limit is ${maxBodyBytes}`));
        return;
      }
      chunks.push(chunk);
    });
    request.once("end", () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    request.once("error", reject);
  });
}

export function mediaTypeOf(request: IncomingMessage): string {
  return (request.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
}

/** Refuses protobuf bodies with a Status that says how to send the object instead. */
export function refuseProtobuf(request: IncomingMessage): void {
  if (mediaTypeOf(request) !== protobufMediaType) return;
  throw new ApiError(
    415,
    "UnsupportedMediaType",
    `devcluster does not decode ${protobufMediaType} bodies: no maintained npm package carries the Kubernetes ` +
      `protobuf schemas; write the object as YAML and use "kubectl apply -f <file>" (for example "kubectl create ` +
      `deployment web --image=nginx --dry-run=client -o yaml | kubectl apply -f -")`,
  );
}

/** Parses a body as JSON, or as YAML for `application/yaml` and apply patches; 400 when malformed. */
export function parseBody(body: Buffer, mediaType: string, describe: (reason: string) => string): unknown {
  const text = body.toString("utf8");
  const yaml = mediaType === "application/yaml" || mediaType === "application/apply-patch+yaml";
  try {
    return yaml ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw badRequest(describe(error instanceof Error ? error.message : String(error)));
  }
}

export function sendJson(
  response: ServerResponse,
  code: number,
  body: unknown,
  headers: Record<string, string | string[]> = {},
): void {
  sendRaw(response, code, JSON.stringify(body), headers);
}

/** Sends JSON text that is already serialized. */
export function sendRaw(
  response: ServerResponse,
  code: number,
  json: string,
  headers: Record<string, string | string[]> = {},
): void {
  const body = Buffer.from(json);
  response.writeHead(code, { ...headers, "Content-Type": "application/json", "Content-Length": body.length });
  response.end(body);
}

/** Writes `error` as a Status; anything that is not an ApiError becomes a 500 and is logged. */
export function sendError(response: ServerResponse, error: unknown, log: (message: string) => void): void {
  const apiError =
    error instanceof ApiError ? error : internalError(error instanceof Error ? error.message : String(error));
  if (!(error instanceof ApiError))
    log(`devcluster: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  if (response.headersSent) {
    response.end();
    return;
  }
  sendJson(response, apiError.code, apiError.toStatus());
}

export function successStatus(details: Record<string, unknown>): object {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", details };
}

/** `Warning` header values (RFC 7234 form, as kube-apiserver sends them). */
export function warningHeaders(warnings: readonly string[]): Record<string, string[]> {
  return warnings.length === 0 ? {} : { Warning: warnings.map((warning) => `299 - ${JSON.stringify(warning)}`) };
}
