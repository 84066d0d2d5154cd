// Starts an execution of a function and, with --wait, waits for it and prints its result (`kontinue execute`).
import { CustomObjectsApi, Watch, type KubeConfig } from "@kubernetes/client-node";
import { stringify } from "yaml";
import {
  API_VERSION,
  FUNCTION_LABEL,
  GROUP,
  PLURALS,
  VERSION,
  toResourceName,
  type Execution,
  type ExecutionPhase,
} from "../crds/index.ts";
import { KontinueError } from "../runtime/index.ts";
import { connect } from "./connect.ts";
import { parseJsonArgument } from "./json-argument.ts";
import type { ExecuteOptions, OutputFormat } from "./execute-command.ts";

const finalPhases: readonly ExecutionPhase[] = ["Completed", "Failed", "Cancelled"];

export async function executeFunction(
  functionName: string,
  argumentsText: string,
  options: ExecuteOptions,
): Promise<void> {
  const args = parseJsonArgument("arguments", argumentsText);
  const { kubeConfig, namespace } = connect(options);
  const created = await createExecution(kubeConfig, namespace, functionName, args, options);
  const name = created.metadata.name!;
  if (!options.wait) {
    process.stdout.write(format(options.output, created, `execution.${GROUP}/${name} created`));
    return;
  }
  const timeoutSeconds = Number(options.timeout);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
    throw new KontinueError(
      "CLI_BAD_FLAG",
      `--timeout "${options.timeout}" is not a number of seconds; pass e.g. --timeout 60`,
      { terminal: true },
    );
  }
  const finished = await waitForFinish(kubeConfig, namespace, created, timeoutSeconds * 1000);
  const phase = finished.status!.phase!;
  if (phase !== "Completed") {
    const why = finished.status?.error
      ? `${finished.status.error.type}: ${finished.status.error.message}`
      : "it was cancelled";
    throw new KontinueError("CLI_EXECUTION_FAILED", `execution "${name}" of "${functionName}" ended ${phase}: ${why}`, {
      terminal: true,
    });
  }
  process.stdout.write(
    options.output === "name"
      ? `${JSON.stringify(finished.status!.result ?? null, null, 2)}\n`
      : format(options.output, finished, ""),
  );
}

async function createExecution(
  kubeConfig: KubeConfig,
  namespace: string,
  functionName: string,
  args: unknown,
  options: ExecuteOptions,
): Promise<Execution> {
  const body: Execution = {
    apiVersion: API_VERSION,
    kind: "Execution",
    metadata: {
      ...(options.name ? { name: options.name } : { generateName: `${toResourceName(functionName)}-` }),
      namespace,
      labels: { [FUNCTION_LABEL]: toResourceName(functionName) },
    },
    spec: {
      function: functionName,
      arguments: args,
      ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}),
    },
  };
  const api = kubeConfig.makeApiClient(CustomObjectsApi);
  try {
    return (await api.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace,
      plural: PLURALS.executions,
      body,
    })) as Execution;
  } catch (cause) {
    throw new KontinueError(
      "CLI_CREATE_FAILED",
      `cannot start an execution of "${functionName}" in namespace "${namespace}" ` +
        `on ${kubeConfig.getCurrentCluster()?.server}: ${describeApiError(cause)}`,
      { cause },
    );
  }
}

/** Watches one Execution until it reaches a final phase; a watch the server ends is resumed. */
async function waitForFinish(
  kubeConfig: KubeConfig,
  namespace: string,
  execution: Execution,
  timeoutMs: number,
): Promise<Execution> {
  const name = execution.metadata.name!;
  const api = kubeConfig.makeApiClient(CustomObjectsApi);
  const deadline = Date.now() + timeoutMs;
  let latest = execution;
  while (!finalPhases.includes(latest.status?.phase as ExecutionPhase)) {
    if (Date.now() >= deadline) {
      throw new KontinueError(
        "CLI_WAIT_TIMEOUT",
        `execution "${name}" is still ${latest.status?.phase ?? "Pending"} after ${timeoutMs / 1000}s; see it with ` +
          `"kubectl get execution ${name} -n ${namespace} -o yaml"`,
      );
    }
    latest = await nextChange(kubeConfig, namespace, latest, deadline);
    if (!finalPhases.includes(latest.status?.phase as ExecutionPhase)) {
      latest = (await api.getNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace,
        plural: PLURALS.executions,
        name,
      })) as Execution;
    }
  }
  return latest;
}

/** Resolves with the object once it reaches a final phase, or its last state when the watch ends. */
function nextChange(
  kubeConfig: KubeConfig,
  namespace: string,
  execution: Execution,
  deadline: number,
): Promise<Execution> {
  return new Promise((resolve) => {
    let latest = execution;
    let abort: AbortController | undefined;
    const timer = setTimeout(() => abort?.abort(), Math.max(0, deadline - Date.now()));
    const finish = () => {
      clearTimeout(timer);
      abort?.abort();
      resolve(latest);
    };
    new Watch(kubeConfig)
      .watch(
        `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/${PLURALS.executions}`,
        {
          fieldSelector: `metadata.name=${execution.metadata.name}`,
          resourceVersion: execution.metadata.resourceVersion,
        },
        (type, object: Execution) => {
          if (type !== "ADDED" && type !== "MODIFIED") return;
          latest = object;
          if (finalPhases.includes(object.status?.phase as ExecutionPhase)) finish();
        },
        finish,
      )
      .then((controller) => (abort = controller), finish);
  });
}

function format(output: OutputFormat, execution: Execution, nameLine: string): string {
  switch (output) {
    case "name":
      return `${nameLine}\n`;
    case "json":
      return `${JSON.stringify(execution, null, 2)}\n`;
    case "yaml":
      return stringify(execution);
    default: {
      const unknown: never = output;
      throw new KontinueError("CLI_BAD_FLAG", `-o "${unknown}" is not one of name, json, yaml`, { terminal: true });
    }
  }
}

function describeApiError(error: unknown): string {
  const body = (error as { body?: unknown }).body;
  if (typeof body === "string") {
    try {
      return (JSON.parse(body) as { message?: string }).message ?? body;
    } catch {
      return body;
    }
  }
  return error instanceof Error ? error.message : String(error);
}
