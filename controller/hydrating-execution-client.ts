// The Execution client the controller writes with. Its cache holds projections (no journal, result or
// error), so a status PUT built from a cached object would erase them: `replaceStatus` reads the stored
// object and keeps those fields unless the writer set them. A writer only decides what it saw.
import { PLURALS, type Execution } from "../crds/index.ts";
import {
  KubeApiError,
  ResourceClient,
  kontinueResources,
  type KontinueResources,
  type KubeHttp,
} from "../runtime/index.ts";
import { PROJECTED_AWAY } from "./execution-projection.ts";

export class HydratingExecutionClient extends ResourceClient<Execution> {
  constructor(http: KubeHttp) {
    super(http, PLURALS.executions);
  }

  /** PUT of the status, guarded by the body's resourceVersion, with the projected-away fields restored. */
  override async replaceStatus(body: Execution): Promise<Execution> {
    const { namespace, name, resourceVersion } = body.metadata;
    const stored = await this.get(namespace!, name!);
    const path = `${this.path(namespace, name)}/status`;
    if (stored === undefined)
      throw new KubeApiError({ method: "PUT", path }, 404, "NotFound", `executions "${name}" not found`);
    if (stored.metadata.resourceVersion !== resourceVersion) {
      throw new KubeApiError(
        { method: "PUT", path },
        409,
        "Conflict",
        `Operation cannot be fulfilled on executions "${name}": the object has been modified; please apply your ` +
          `changes to the latest version and try again`,
      );
    }
    const status = { ...body.status };
    for (const field of PROJECTED_AWAY) {
      if (status[field] === undefined && stored.status?.[field] !== undefined)
        Object.assign(status, { [field]: stored.status[field] });
    }
    return super.replaceStatus({ ...body, status });
  }
}

/** Kontinue's clients, with Execution status writes that are safe from a projection. */
export function controllerResources(http: KubeHttp): KontinueResources {
  return { ...kontinueResources(http), executions: new HydratingExecutionClient(http) };
}
