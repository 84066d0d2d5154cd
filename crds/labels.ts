// Labels and annotations Kontinue sets on the objects it creates.

/** On every Execution: the `metadata.name` of its Function, so workers watch by label. */
export const FUNCTION_LABEL = "kontinue.cloud/function";
/**
 * On an Execution: the revision (16 hex digits of an image digest) it is pinned to; on Deployments and Pods: theirs.
 */
export const REVISION_LABEL = "kontinue.cloud/revision";
/** On an Execution the controller moved off the revision it diverged on (non-determinism): that revision's id. */
export const RESCUED_FROM_ANNOTATION = "kontinue.cloud/rescued-from";
/** On worker Deployments and Pods: the Function's `metadata.name` (the Kubernetes recommended label). */
export const APP_NAME_LABEL = "app.kubernetes.io/name";
/** On everything the controller creates: `kontinue`. */
export const MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
export const MANAGED_BY = "kontinue";

/** On a child Execution: its parent's uid (label values are too short for names), so a cancel finds every child. */
export const PARENT_UID_LABEL = "kontinue.cloud/parent-uid";

/** On a child Execution started with `parentClose: "abandon"`: it outlives its parent. */
export const PARENT_CLOSE_LABEL = "kontinue.cloud/parent-close";

/** On an Execution started by `kontinue retry`: the name of the failed Execution it retries. */
export const RETRY_OF_ANNOTATION = "kontinue.cloud/retry-of";

/** On every execution a schedule starts: the ScheduledExecution's name. */
export const SCHEDULED_EXECUTION_LABEL = "kontinue.cloud/scheduled-execution";
