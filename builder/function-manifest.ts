// The `Function` resource a build prints for each image: image pinned by digest, options from the file.
import { API_VERSION, type FunctionResource, type FunctionSpec } from "../crds/index.ts";
import type { FunctionSettings } from "./read-function-options.ts";

export interface FunctionManifestOptions {
  functionName: string;
  resourceName: string;
  /** Digest-pinned image reference. */
  image: string;
  settings: FunctionSettings;
}

export function functionManifest(options: FunctionManifestOptions): FunctionResource {
  const { settings } = options;
  // `revisions` joins the CRD's FunctionSpec with issue 8; the intersection keeps this compiling until then.
  const spec: FunctionSpec = {
    image: options.image,
    functionName: options.functionName,
    ...(settings.scaling ? { scaling: settings.scaling } : {}),
    ...(settings.concurrency !== undefined ? { concurrency: settings.concurrency } : {}),
    ...(settings.retry ? { retry: settings.retry } : {}),
    ...(settings.timeoutSeconds !== undefined ? { timeoutSeconds: settings.timeoutSeconds } : {}),
    ...(settings.revisions ? { revisions: settings.revisions } : {}),
  };
  return { apiVersion: API_VERSION, kind: "Function", metadata: { name: options.resourceName }, spec };
}
