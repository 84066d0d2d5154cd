// A client of the OCI distribution API over undici: anonymous, basic or bearer-token auth,
// blob HEAD/GET/upload/mount, manifest HEAD/GET/PUT, retries with exponential backoff on 5xx, 429 and
// resets that honour Retry-After; an upload retried after a failed PUT starts a fresh upload session.
import type { Readable } from "node:stream";
import { request, type Dispatcher } from "undici";
import { isKontinueError } from "../runtime/index.ts";
import { sha256Digest } from "./blob.ts";
import { RegistryError } from "./build-error.ts";
import { readDockerCredentials, type RegistryCredentials } from "./docker-credentials.ts";
import type { Limit } from "./limit-concurrency.ts";
import { registryApiHost } from "./image-reference.ts";
import { MEDIA_TYPES } from "./oci-types.ts";

export interface RegistryClientOptions {
  /** Registry as written in references ("ghcr.io", "127.0.0.1:5000"). */
  registry: string;
  /** Plain HTTP instead of HTTPS (for loopback registries). */
  insecure?: boolean;
  /** Credentials; default: looked up in the Docker config file on the first 401. */
  credentials?: RegistryCredentials;
  /** HTTP transport (default: undici's global dispatcher). */
  dispatcher?: Dispatcher;
  /** Attempts per request on 5xx and connection failures (default 4). */
  attempts?: number;
  /** Waits between attempts (default: setTimeout). */
  sleep?: (ms: number) => Promise<void>;
  /** Milliseconds since the epoch, for Retry-After dates (default Date.now). */
  now?: () => number;
  /** Bounds the requests in flight (default: unbounded); share one across clients for a build-wide --jobs. */
  limit?: Limit;
}

/** The longest Retry-After honoured; a registry asking for more gets this, then the next attempt. */
const MAX_RETRY_AFTER_MS = 60_000;

/** A blob body sent as a stream (re-opened on each attempt): a streaming copy between registries. */
export interface BlobStream {
  size: number;
  open: () => Promise<Readable>;
}

export interface FetchedManifest {
  mediaType: string;
  digest: string;
  data: Buffer;
}

/** The manifest media types a pull accepts. */
const MANIFEST_ACCEPT = [
  MEDIA_TYPES.ociIndex,
  MEDIA_TYPES.ociManifest,
  MEDIA_TYPES.dockerManifestList,
  MEDIA_TYPES.dockerManifest,
].join(", ");

interface Call {
  method: "GET" | "HEAD" | "PUT" | "POST" | "DELETE";
  repository: string;
  /** Path below /v2/<repository>/, or an absolute URL (an upload location). */
  path: string;
  /** What is being done, for messages: "push blob sha256:… to". */
  what: string;
  /** Access needed: pull, or push (pull+push); `from` adds pull on a second repository. */
  access: "pull" | "push";
  from?: string;
  headers?: Record<string, string>;
  body?: Buffer | BlobStream;
  /** Statuses that are answers, not errors (404 for HEAD probes). */
  ok: readonly number[];
  /** Hand back an ok answer's body as a stream instead of reading it. */
  stream?: "stream";
  /** Attempts of this call (default the client's); 1 for a PUT into an upload session, which is not reused. */
  attempts?: number;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  stream?: Readable;
}

const MAX_REDIRECTS = 5;

export class RegistryClient {
  readonly registry: string;
  private readonly base: string;
  private readonly options: RegistryClientOptions;
  private credentials: RegistryCredentials | undefined | null;
  private readonly tokens = new Map<string, string>();

  constructor(options: RegistryClientOptions) {
    this.options = options;
    this.registry = options.registry;
    this.base = `${options.insecure ? "http" : "https"}://${registryApiHost(options.registry)}`;
    this.credentials = options.credentials ?? null;
  }

  async getManifest(repository: string, reference: string): Promise<FetchedManifest> {
    const answer = await this.call({
      method: "GET",
      repository,
      path: `manifests/${reference}`,
      what: `pull manifest "${reference}" of`,
      access: "pull",
      headers: { accept: MANIFEST_ACCEPT },
      ok: [200],
    });
    const mediaType =
      String(answer.headers["content-type"] ?? "")
        .split(";")[0]!
        .trim() ||
      (JSON.parse(answer.body.toString()) as { mediaType?: string }).mediaType ||
      MEDIA_TYPES.dockerManifest;
    return { mediaType, digest: sha256Digest(answer.body), data: answer.body };
  }

  /** The digest a manifest reference points to, or undefined when the registry has none. */
  async headManifest(repository: string, reference: string): Promise<string | undefined> {
    const answer = await this.call({
      method: "HEAD",
      repository,
      path: `manifests/${reference}`,
      what: `look up manifest "${reference}" of`,
      access: "pull",
      headers: { accept: MANIFEST_ACCEPT },
      ok: [200, 404],
    });
    return answer.status === 200 ? String(answer.headers["docker-content-digest"] ?? "") || undefined : undefined;
  }

  async putManifest(repository: string, reference: string, data: Buffer, mediaType: string): Promise<void> {
    const what = `push manifest "${reference}" to`;
    await this.call({
      method: "PUT",
      repository,
      path: `manifests/${reference}`,
      what,
      access: "push",
      headers: { "content-type": mediaType },
      body: data,
      ok: [200, 201, 202],
    });
  }

  async hasBlob(repository: string, digest: string): Promise<boolean> {
    const answer = await this.call({
      method: "HEAD",
      repository,
      path: `blobs/${digest}`,
      what: `look up blob ${digest} in`,
      access: "pull",
      ok: [200, 404],
    });
    return answer.status === 200;
  }

  async getBlob(repository: string, digest: string): Promise<Buffer> {
    const answer = await this.call({
      method: "GET",
      repository,
      path: `blobs/${digest}`,
      what: `pull blob ${digest} of`,
      access: "pull",
      ok: [200],
    });
    return answer.body;
  }

  /** A blob's bytes as a stream (for copying between registries without holding them). */
  async openBlob(repository: string, digest: string): Promise<Readable> {
    const answer = await this.call({
      method: "GET",
      repository,
      path: `blobs/${digest}`,
      what: `pull blob ${digest} of`,
      access: "pull",
      ok: [200],
      stream: "stream",
    });
    return answer.stream!;
  }

  /** Cross-repository mount; false when the registry declined (then upload instead). */
  async mountBlob(repository: string, digest: string, from: string): Promise<boolean> {
    const query = `?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`;
    const path = `blobs/uploads/${query}`;
    const answer = await this.call({
      method: "POST",
      repository,
      path,
      what: `mount blob ${digest} from "${from}" into`,
      access: "push",
      from,
      ok: [201, 202],
    });
    if (answer.status === 201) return true;
    const location = answer.headers.location;
    if (typeof location === "string") {
      const url = new URL(location, this.url(repository, path)).toString();
      await this.call({
        method: "DELETE",
        repository,
        path: url,
        what: "cancel an upload to",
        access: "push",
        ok: [204, 404, 405],
      });
    }
    return false;
  }

  /**
   * Monolithic upload: POST for a session, PUT the bytes with the digest. A failed PUT is not repeated
   * into the same session (the registry may have dropped it): the next attempt asks for a new one.
   */
  async uploadBlob(repository: string, digest: string, data: Buffer | BlobStream): Promise<void> {
    const attempts = this.options.attempts ?? 4;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.uploadInSession(repository, digest, data);
        return;
      } catch (error) {
        // A lost session answers 404 (BLOB_UPLOAD_UNKNOWN): a new session is the cure, as for 5xx, 429 and resets.
        const retryable = ["BUILD_REGISTRY_FAILED", "BUILD_REGISTRY_UNREACHABLE", "BUILD_IMAGE_NOT_FOUND"].some(
          (code) => isKontinueError(error, code),
        );
        const status = (error as RegistryError).status;
        if (
          !retryable ||
          attempt >= attempts ||
          (status !== undefined && status < 500 && status !== 429 && status !== 404)
        )
          throw error;
        await this.sleep(Math.max(backoff(attempt), (error as RegistryError).retryAfterMs ?? 0));
      }
    }
  }

  private async uploadInSession(repository: string, digest: string, data: Buffer | BlobStream): Promise<void> {
    const what = `push blob ${digest} to`;
    const path = "blobs/uploads/";
    const session = await this.call({ method: "POST", repository, path, what, access: "push", ok: [202] });
    const location = session.headers.location;
    if (typeof location !== "string") {
      throw new RegistryError(
        "BUILD_REGISTRY_FAILED",
        `cannot ${what} "${repository}" on "${this.registry}": the registry gave no upload location; is it an OCI ` +
          `registry?`,
        { registry: this.registry, repository },
      );
    }
    // The location's query (a signed upload state) goes back byte for byte: append, never re-encode.
    const url = new URL(location, this.url(repository, path));
    const query = url.search ? `${url.search}&` : "?";
    const put = `${url.origin}${url.pathname}${query}digest=${encodeURIComponent(digest)}`;
    const headers = { "content-type": "application/octet-stream" };
    await this.call({
      method: "PUT",
      repository,
      path: put,
      what,
      access: "push",
      headers,
      body: data,
      ok: [201, 204],
      attempts: 1,
    });
  }

  /** An absolute URL of the registry API for `path` below /v2/<repository>/. */
  private url(repository: string, path: string): string {
    return /^https?:\/\//.test(path) ? path : `${this.base}/v2/${repository}/${path}`;
  }

  private sleep(ms: number): Promise<void> {
    return this.options.sleep?.(ms) ?? new Promise<void>((resolve) => setTimeout(resolve, ms));
  }

  /** How long a 429/503 asks to wait (Retry-After: seconds or an HTTP date), capped; undefined when it does not say. */
  private retryAfter(answer: Answer): number | undefined {
    const header = answer.headers["retry-after"];
    if ((answer.status !== 429 && answer.status !== 503) || typeof header !== "string") return undefined;
    const seconds = Number(header.trim());
    const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - (this.options.now ?? Date.now)();
    return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS) : undefined;
  }

  private async call(call: Call): Promise<Answer> {
    const attempts = call.attempts ?? this.options.attempts ?? 4;
    let retriedAuth = false;
    for (let attempt = 1; ; attempt++) {
      let answer: Answer;
      try {
        answer = await (this.options.limit ? this.options.limit(() => this.send(call)) : this.send(call));
      } catch (error) {
        if (attempt < attempts) {
          await this.sleep(backoff(attempt));
          continue;
        }
        const why = (error as { code?: string }).code ?? (error as Error).message;
        const advice = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(why)
          ? "pass the registry's CA bundle with --registry-ca <file.pem>"
          : "check the address, that the registry runs, HTTPS_PROXY/NO_PROXY, and --insecure-registry for plain HTTP";
        const message =
          `cannot reach registry "${this.registry}" ` + `to ${call.what} "${call.repository}": ${why}; ${advice}`;
        throw new RegistryError("BUILD_REGISTRY_UNREACHABLE", message, {
          registry: this.registry,
          repository: call.repository,
          cause: error,
        });
      }
      if (call.ok.includes(answer.status)) return answer;
      if (answer.status === 401 && !retriedAuth) {
        retriedAuth = true;
        await this.authenticate(call, String(answer.headers["www-authenticate"] ?? ""));
        attempt--;
        continue;
      }
      const retryAfter = this.retryAfter(answer);
      if ((answer.status >= 500 || answer.status === 429) && attempt < attempts) {
        await this.sleep(Math.max(backoff(attempt), retryAfter ?? 0));
        continue;
      }
      throw this.failure(call, answer, retryAfter);
    }
  }

  private async send(call: Call): Promise<Answer> {
    let url = this.url(call.repository, call.path);
    const authorization = this.tokens.get(scopeKey(call)) ?? this.tokens.get("basic");
    const size = call.body === undefined ? undefined : Buffer.isBuffer(call.body) ? call.body.length : call.body.size;
    for (let redirects = 0; ; redirects++) {
      // Credentials go only to the registry itself, not to the storage a blob GET redirects to.
      const sameOrigin = new URL(url).origin === this.base;
      const body = call.body === undefined || Buffer.isBuffer(call.body) ? call.body : await call.body.open();
      const response = await request(url, {
        method: call.method,
        headers: {
          ...call.headers,
          ...(authorization && sameOrigin ? { authorization } : {}),
          ...(size !== undefined ? { "content-length": String(size) } : {}),
        },
        body,
        dispatcher: this.options.dispatcher,
      });
      const location = response.headers.location;
      if (
        [301, 302, 303, 307, 308].includes(response.statusCode) &&
        typeof location === "string" &&
        (call.method === "GET" || call.method === "HEAD") &&
        redirects < MAX_REDIRECTS
      ) {
        await response.body.dump();
        url = new URL(location, url).toString();
        continue;
      }
      if (call.stream && call.ok.includes(response.statusCode))
        return { status: response.statusCode, headers: response.headers, body: Buffer.alloc(0), stream: response.body };
      if (call.method === "HEAD") {
        await response.body.dump();
        return { status: response.statusCode, headers: response.headers, body: Buffer.alloc(0) };
      }
      return {
        status: response.statusCode,
        headers: response.headers,
        body: Buffer.from(await response.body.arrayBuffer()),
      };
    }
  }

  private async lookupCredentials(): Promise<RegistryCredentials | undefined> {
    if (this.credentials === null) this.credentials = await readDockerCredentials(this.registry);
    return this.credentials;
  }

  private async authenticate(call: Call, challenge: string): Promise<void> {
    const credentials = await this.lookupCredentials();
    const scheme = challenge.split(" ")[0]?.toLowerCase();
    if (scheme === "basic") {
      if (credentials?.kind !== "basic") return;
      this.tokens.set(
        "basic",
        `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`,
      );
      return;
    }
    if (scheme !== "bearer") return;
    const params = Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    if (!params.realm) return;
    const url = new URL(params.realm);
    if (params.service) url.searchParams.set("service", params.service);
    const wanted = [...new Set([...scopes(call), ...(params.scope ? params.scope.split(" ") : [])])];
    for (const scope of wanted) url.searchParams.append("scope", scope);
    const headers: Record<string, string> = {};
    if (credentials?.kind === "basic") {
      const pair = `${credentials.username}:${credentials.password}`;
      headers.authorization = `Basic ${Buffer.from(pair).toString("base64")}`;
    }
    // An identity token is an OAuth2 refresh token: POST it to the realm (distribution's token spec).
    const form =
      credentials?.kind === "identityToken"
        ? new URLSearchParams({
            grant_type: "refresh_token",
            refresh_token: credentials.token,
            service: params.service ?? "",
            scope: wanted.join(" "),
            client_id: "kontinue",
          }).toString()
        : undefined;
    if (form) headers["content-type"] = "application/x-www-form-urlencoded";
    let response: Dispatcher.ResponseData;
    try {
      response = await request(form ? params.realm : url, {
        method: form ? "POST" : "GET",
        headers,
        body: form,
        dispatcher: this.options.dispatcher,
      });
    } catch (error) {
      throw new RegistryError(
        "BUILD_REGISTRY_UNREACHABLE",
        `cannot reach the token service "${url.origin}" of registry "${this.registry}" for ` +
          `"${call.repository}": ${(error as Error).message}`,
        { registry: this.registry, repository: call.repository, cause: error },
      );
    }
    const text = await response.body.text();
    if (response.statusCode !== 200) return;
    const token = JSON.parse(text) as { token?: string; access_token?: string };
    const value = token.token ?? token.access_token;
    if (value) this.tokens.set(scopeKey(call), `Bearer ${value}`);
  }

  private failure(call: Call, answer: Answer, retryAfterMs: number | undefined): RegistryError {
    const context = { registry: this.registry, repository: call.repository, status: answer.status, retryAfterMs };
    const subject = `cannot ${call.what} "${call.repository}" on "${this.registry}"`;
    const detail = registryErrorDetail(answer.body);
    switch (answer.status) {
      case 401:
        return new RegistryError(
          "BUILD_REGISTRY_UNAUTHORIZED",
          `${subject}: 401 unauthorized${detail}; log in with "docker login ${this.registry}" (credentials are read ` +
            `from ~/.docker/config.json or $DOCKER_CONFIG)`,
          context,
        );
      case 403:
        return new RegistryError(
          "BUILD_PUSH_DENIED",
          `${subject}: 403 denied${detail}; check that your account may ${call.access} "${call.repository}"`,
          context,
        );
      case 404:
        return new RegistryError(
          "BUILD_IMAGE_NOT_FOUND",
          `${subject}: 404 not found${detail}; check the repository name and tag`,
          context,
        );
      default:
        return new RegistryError("BUILD_REGISTRY_FAILED", `${subject}: HTTP ${answer.status}${detail}`, context);
    }
  }
}

/** 100 ms, doubling per attempt. */
function backoff(attempt: number): number {
  return 100 * 2 ** (attempt - 1);
}

function scopes(call: Call): string[] {
  const own = `repository:${call.repository}:${call.access === "push" ? "pull,push" : "pull"}`;
  return call.from ? [own, `repository:${call.from}:pull`] : [own];
}

function scopeKey(call: Call): string {
  return scopes(call).join(" ");
}

/** ": MANIFEST_UNKNOWN manifest unknown" from a distribution error body, or "". */
function registryErrorDetail(body: Buffer): string {
  try {
    const parsed = JSON.parse(body.toString()) as { errors?: Array<{ code?: string; message?: string }> };
    const first = parsed.errors?.[0];
    return first ? ` (${[first.code, first.message].filter(Boolean).join(" ")})` : "";
  } catch {
    return "";
  }
}
