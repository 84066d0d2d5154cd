// Checks a request body is an object of the resource it was sent to, as kube-apiserver's decoder does.
import { badRequest } from "./api-error.ts";
import { isObject } from "./json-value.ts";
import { groupVersionOf } from "./resource-catalogue.ts";
import type { KubeObject, ResourceInfo } from "./resource-info.ts";

/**
 * The body as a `KubeObject` of `info`: apiVersion and kind must match the URL's (filled in
 * when absent), the namespace and name must agree with the URL's when both are given.
 */
export function decodeObject(
  info: ResourceInfo,
  body: unknown,
  url: { namespace?: string | undefined; name?: string },
): KubeObject {
  if (!isObject(body)) {
    throw badRequest(
      `the object provided is unrecognized (must be of type ${info.kind}): couldn't get version/kind; json parse ` +
        `error: expected an object, got ${JSON.stringify(body)?.slice(0, 80)}`,
    );
  }
  const expectedApiVersion = groupVersionOf(info);
  if (body.apiVersion !== undefined && body.apiVersion !== expectedApiVersion) {
    throw badRequest(
      `the API version in the data (${String(body.apiVersion)}) does not match the expected API version ` +
        `(${expectedApiVersion})`,
    );
  }
  if (body.kind !== undefined && body.kind !== info.kind) {
    throw badRequest(`the kind in the data (${String(body.kind)}) does not match the expected kind (${info.kind})`);
  }
  if (body.metadata !== undefined && !isObject(body.metadata)) {
    throw badRequest(
      `${info.kind} in version "${info.version}" cannot be handled as a ${info.kind}: json: cannot ` +
        `unmarshal ${typeof body.metadata} into Go struct field ${info.kind}.metadata of type v1.ObjectMeta`,
    );
  }
  const metadata = { ...((body.metadata as Record<string, unknown> | undefined) ?? {}) };
  if (
    info.namespaced &&
    url.namespace !== undefined &&
    metadata.namespace !== undefined &&
    metadata.namespace !== "" &&
    metadata.namespace !== url.namespace
  ) {
    throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
  }
  if (url.name !== undefined) {
    if (metadata.name !== undefined && metadata.name !== "" && metadata.name !== url.name) {
      throw badRequest(
        `the name of the object (${String(metadata.name)}) does not match the name on the URL (${url.name})`,
      );
    }
    metadata.name = url.name;
  }
  for (const field of ["labels", "annotations"] as const) {
    const map = metadata[field];
    if (map === undefined || map === null) continue;
    if (!isObject(map) || Object.values(map).some((value) => typeof value !== "string")) {
      throw badRequest(
        `${info.kind} in version "${info.version}" cannot be handled as a ${info.kind}: json: cannot unmarshal into ` +
          `Go struct field ObjectMeta.metadata.${field} of type string`,
      );
    }
  }
  return { ...body, apiVersion: expectedApiVersion, kind: info.kind, metadata } as KubeObject;
}
