// The client library's methods the UI acts through (contracts.md's KontinueClient: createExecution, getExecution,
// cancel, signal, retry), over runtime's ResourceClient until client/ lands; the merge swaps this file for
// `createClient` from client/index.ts.
import { API_VERSION, FUNCTION_LABEL, toResourceName, type Execution } from "../../crds/index.ts";
import { KontinueError, sendSignal, type ResourceClient } from "../../runtime/index.ts";
import { RETRY_OF_ANNOTATION } from "./execution-row.ts";

export interface CreateExecutionOptions {
  name?: string;
  idempotencyKey?: string;
  namespace?: string;
  labels?: Record<string, string>;
  retryOf?: string;
}

/** The part of `KontinueClient` the UI uses. */
export interface UiClient {
  readonly namespace: string;
  createExecution(fn: string, args: unknown, options?: CreateExecutionOptions): Promise<Execution>;
  getExecution(name: string, options?: { namespace?: string }): Promise<Execution>;
  cancel(name: string, options?: { namespace?: string }): Promise<Execution>;
  signal(
    name: string,
    signal: string,
    payload?: unknown,
    options?: { id?: string; namespace?: string },
  ): Promise<{ sent: boolean; id: string }>;
  retry(name: string, options?: { args?: unknown; namespace?: string }): Promise<Execution>;
}

export function createUiClient(executions: ResourceClient<Execution>, namespace: string): UiClient {
  const getExecution: UiClient["getExecution"] = async (name, options = {}) => {
    const ns = options.namespace ?? namespace;
    const found = await executions.get(ns, name);
    if (found === undefined)
      throw new KontinueError(
        "CLIENT_NOT_FOUND",
        `execution "${name}" does not exist in namespace "${ns}"; list them with "kubectl get kex -n ${ns}"`,
        { terminal: true },
      );
    return found;
  };
  const createExecution: UiClient["createExecution"] = (fn, args, options = {}) => {
    const ns = options.namespace ?? namespace;
    return executions.create(ns, {
      apiVersion: API_VERSION,
      kind: "Execution",
      metadata: {
        ...(options.name ? { name: options.name } : { generateName: `${toResourceName(fn)}-` }),
        namespace: ns,
        labels: { ...options.labels, [FUNCTION_LABEL]: toResourceName(fn) },
        ...(options.retryOf ? { annotations: { [RETRY_OF_ANNOTATION]: options.retryOf } } : {}),
      },
      spec: {
        function: fn,
        arguments: args ?? null,
        ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}),
      },
    });
  };
  return {
    namespace,
    createExecution,
    getExecution,
    cancel: async (name, options = {}) => {
      const ns = options.namespace ?? namespace;
      await getExecution(name, { namespace: ns });
      return executions.mergePatch(ns, name, { spec: { cancelRequested: true } });
    },
    signal: async (name, signal, payload, options = {}) => {
      const result = await sendSignal({
        executions,
        namespace: options.namespace ?? namespace,
        execution: name,
        name: signal,
        payload,
        ...(options.id ? { id: options.id } : {}),
      });
      return { sent: result.sent, id: result.signal.id };
    },
    retry: async (name, options = {}) => {
      const ns = options.namespace ?? namespace;
      const old = await getExecution(name, { namespace: ns });
      return createExecution(old.spec.function, "args" in options ? options.args : old.spec.arguments, {
        namespace: ns,
        retryOf: name,
      });
    },
  };
}
