// kube-apiserver's error answers: every failure is a metav1.Status with a code and reason.

export interface StatusCause {
  reason?: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  /** The resource's plural (kube-apiserver puts the plural here, not the kind). */
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** A Status's ListMeta: kube-apiserver sets `continue` on a 410 for an expired continue token. */
export interface StatusListMeta {
  continue?: string;
}

export interface Status {
  kind: "Status";
  apiVersion: "v1";
  metadata: StatusListMeta;
  status: "Failure" | "Success";
  message: string;
  reason: string;
  details?: StatusDetails;
  code: number;
}

/** The resource an error is about, as kube-apiserver names it: plural + group. */
export interface Subject {
  group: string;
  plural: string;
  name?: string;
}

export class ApiError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly details: StatusDetails | undefined;
  readonly listMeta: StatusListMeta;

  constructor(code: number, reason: string, message: string, details?: StatusDetails, listMeta: StatusListMeta = {}) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.reason = reason;
    this.details = details;
    this.listMeta = listMeta;
  }

  toStatus(): Status {
    return {
      kind: "Status",
      apiVersion: "v1",
      metadata: this.listMeta,
      status: "Failure",
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

/** `functions.kontinue.cloud` — how kube-apiserver names a resource in messages ("pods" for the core group). */
export function qualifiedResource(subject: Subject): string {
  return subject.group ? `${subject.plural}.${subject.group}` : subject.plural;
}

function detailsOf(subject: Subject): StatusDetails {
  return { ...(subject.name !== undefined ? { name: subject.name } : {}), group: subject.group, kind: subject.plural };
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, "BadRequest", message);
}

export function unauthorized(): ApiError {
  return new ApiError(401, "Unauthorized", "Unauthorized");
}

export function notFound(subject: Subject): ApiError {
  return new ApiError(404, "NotFound", `${qualifiedResource(subject)} "${subject.name}" not found`, detailsOf(subject));
}

export function routeNotFound(): ApiError {
  return new ApiError(404, "NotFound", "the server could not find the requested resource", {});
}

export function methodNotAllowed(_verb: string, subject: Subject): ApiError {
  return new ApiError(
    405,
    "MethodNotAllowed",
    `the server does not allow this method on the requested resource`,
    detailsOf({ ...subject, name: undefined }),
  );
}

export function alreadyExists(subject: Subject): ApiError {
  return new ApiError(
    409,
    "AlreadyExists",
    `${qualifiedResource(subject)} "${subject.name}" already exists`,
    detailsOf(subject),
  );
}

export function conflict(
  subject: Subject,
  why = "the object has been modified; please apply your changes to the latest version and try again",
): ApiError {
  return new ApiError(
    409,
    "Conflict",
    `Operation cannot be fulfilled on ${qualifiedResource(subject)} "${subject.name}": ${why}`,
    detailsOf(subject),
  );
}

/** 410 Expired; for an expired continue token, `continueToken` goes on from there at the latest version. */
export function gone(message: string, continueToken?: string): ApiError {
  return new ApiError(
    410,
    "Expired",
    message,
    undefined,
    continueToken === undefined ? {} : { continue: continueToken },
  );
}

export function unsupportedMediaType(contentType: string, what: string): ApiError {
  return new ApiError(
    415,
    "UnsupportedMediaType",
    `the body of the request was in an unknown format - accepted media types include: ${what}; got ${contentType}`,
  );
}

/** 422 Invalid: `Function.kontinue.cloud "x" is invalid: spec.replicas: Invalid value: …`. */
export function invalid(kind: string, group: string, name: string, causes: StatusCause[]): ApiError {
  const qualifiedKind = group ? `${kind}.${group}` : kind;
  const summary = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const message =
    `${qualifiedKind} "${name}" is ` + `invalid: ${summary.length === 1 ? summary[0] : `[${summary.join(", ")}]`}`;
  return new ApiError(422, "Invalid", message, { name, group, kind, causes });
}

export function internalError(message: string): ApiError {
  return new ApiError(500, "InternalError", `Internal error occurred: ${message}`);
}
