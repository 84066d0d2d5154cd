// Labels and annotations Kontinue sets on the objects it creates.

/** On every Execution: the `metadata.name` of its Function, so workers watch by label. */
export const FUNCTION_LABEL = "kontinue.cloud/function";
/** On an Execution: the revision (16 hex digits of an image digest) it is pinned to; on Deployments and Pods: theirs. */
export const REVISION_LABEL = "kontinue.cloud/revision";
/** On an Execution the controller moved off the revision it diverged on (non-determinism): that revision's id. */
export const RESCUED_FROM_ANNOTATION = "kontinue.cloud/rescued-from";
/** On worker Deployments and Pods: the Function's `metadata.name` (the Kubernetes recommended label). */
export const APP_NAME_LABEL = "app.kubernetes.io/name";
/** On everything the controller creates: `kontinue`. */
export const MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
export const MANAGED_BY = "kontinue";
