// Typed access to Kontinue's custom resources (executions, functions, suspensions) over a KubeHttp transport.
import { API_VERSION, PLURALS, type Execution, type FunctionResource, type Suspension } from "../crds/index.ts";
import type { KubeEvent } from "./event-recorder.ts";
import { apiStatus, type KubeHttp } from "./kube-http.ts";

interface Named {
  metadata: { name?: string; namespace?: string; resourceVersion?: string };
}

export interface ResourceList<T> {
  items: T[];
  resourceVersion: string;
}

export interface DeletePreconditions {
  uid?: string;
  resourceVersion?: string;
}

export class ResourceClient<T extends Named> {
  private readonly http: KubeHttp;
  readonly plural: string;
  /** `/apis/kontinue.cloud/v1alpha1` by default; `/api/v1` for core kinds. */
  private readonly prefix: string;

  constructor(http: KubeHttp, plural: string, prefix = `/apis/${API_VERSION}`) {
    this.http = http;
    this.plural = plural;
    this.prefix = prefix;
  }

  /** The object, or undefined when it does not exist. */
  async get(namespace: string, name: string): Promise<T | undefined> {
    try {
      return (await this.http({ method: "GET", path: this.path(namespace, name) })) as T;
    } catch (error) {
      if (apiStatus(error) === 404) return undefined;
      throw error;
    }
  }

  /** Lists one namespace, or every namespace when `namespace` is undefined. */
  async list(namespace: string | undefined, labelSelector?: string): Promise<ResourceList<T>> {
    const query = labelSelector === undefined ? "" : `?labelSelector=${encodeURIComponent(labelSelector)}`;
    const list = (await this.http({ method: "GET", path: this.path(namespace) + query })) as {
      items: T[];
      metadata: { resourceVersion: string };
    };
    return { items: list.items, resourceVersion: list.metadata.resourceVersion };
  }

  create(namespace: string, body: T): Promise<T> {
    return this.http({ method: "POST", path: this.path(namespace), body }) as Promise<T>;
  }

  /** PUT guarded by `metadata.resourceVersion`: a stale version answers 409. */
  replace(body: T): Promise<T> {
    return this.http({
      method: "PUT",
      path: this.path(body.metadata.namespace, body.metadata.name),
      body,
    }) as Promise<T>;
  }

  /**
   * PUT of the status subresource, guarded by `metadata.resourceVersion`. The server takes only `.status` from it, so
   * spec and the rest of metadata are not sent.
   */
  replaceStatus(body: T): Promise<T> {
    const { name, namespace, resourceVersion } = body.metadata;
    const { apiVersion, kind, status } = body as { apiVersion?: string; kind?: string; status?: unknown };
    const trimmed = { apiVersion, kind, metadata: { name, namespace, resourceVersion }, status };
    return this.http({ method: "PUT", path: `${this.path(namespace, name)}/status`, body: trimmed }) as Promise<T>;
  }

  /** JSON merge patch of the main resource (spec, metadata). */
  mergePatch(namespace: string, name: string, patch: unknown): Promise<T> {
    return this.http({
      method: "PATCH",
      path: this.path(namespace, name),
      body: patch,
      contentType: "application/merge-patch+json",
    }) as Promise<T>;
  }

  /** Deletes the object; true if it was there. */
  async delete(namespace: string, name: string, preconditions?: DeletePreconditions): Promise<boolean> {
    try {
      const body = {
        kind: "DeleteOptions",
        apiVersion: "v1",
        propagationPolicy: "Background",
        ...(preconditions ? { preconditions } : {}),
      };
      await this.http({ method: "DELETE", path: this.path(namespace, name), body });
      return true;
    } catch (error) {
      if (apiStatus(error) === 404) return false;
      throw error;
    }
  }

  /** The collection path (or the object's), e.g. `/apis/kontinue.cloud/v1alpha1/namespaces/ns/executions/x`. */
  path(namespace: string | undefined, name?: string): string {
    const scope = namespace === undefined ? "" : `/namespaces/${encodeURIComponent(namespace)}`;
    return `${this.prefix}${scope}/${this.plural}${name === undefined ? "" : `/${encodeURIComponent(name)}`}`;
  }
}

/** One client per Kontinue resource, sharing one transport. */
export interface KontinueResources {
  executions: ResourceClient<Execution>;
  functions: ResourceClient<FunctionResource>;
  suspensions: ResourceClient<Suspension>;
  events: ResourceClient<KubeEvent>;
}

export function kontinueResources(http: KubeHttp): KontinueResources {
  return {
    executions: new ResourceClient<Execution>(http, PLURALS.executions),
    functions: new ResourceClient<FunctionResource>(http, PLURALS.functions),
    suspensions: new ResourceClient<Suspension>(http, PLURALS.suspensions),
    events: new ResourceClient<KubeEvent>(http, "events", "/api/v1"),
  };
}
