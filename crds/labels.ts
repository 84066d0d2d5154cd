// Labels Kontinue sets on the objects it creates.

/** On every Execution: the `metadata.name` of its Function, so workers watch by label. */
export const FUNCTION_LABEL = "kontinue.cloud/function";
