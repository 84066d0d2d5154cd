// Labels Kontinue sets on the objects it creates.

/** On every Execution: the `metadata.name` of its Function, so workers watch by label. */
export const FUNCTION_LABEL = "kontinue.cloud/function";

/** On Executions pinned to a revision, and on that revision's Deployment and Pods: the revision id. */
export const REVISION_LABEL = "kontinue.cloud/revision";

/** On a child Execution: its parent's uid (label values are too short for names), so a cancel finds every child. */
export const PARENT_UID_LABEL = "kontinue.cloud/parent-uid";

/** On a child Execution started with `parentClose: "abandon"`: it outlives its parent. */
export const PARENT_CLOSE_LABEL = "kontinue.cloud/parent-close";
