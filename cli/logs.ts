// Prints worker Pods' logs through the API (pods/log), prefixed with the Pod's name when there are several.
import { Writable } from "node:stream";
import { createClient, type KontinueClient } from "../client/index.ts";
import { type Execution, FUNCTION_LABEL, toResourceName } from "../crds/index.ts";
import { isKontinueError, KontinueError } from "../runtime/client-entry.ts";
import { connect } from "./connect.ts";
import type { LogsOptions } from "./logs-command.ts";
import { UsageError } from "./usage-error.ts";

export async function printLogs(name: string, options: LogsOptions, signal: AbortSignal): Promise<void> {
  const tailLines = options.tail === undefined ? undefined : Number(options.tail);
  if (tailLines !== undefined && (!Number.isInteger(tailLines) || tailLines < 0))
    throw new UsageError(`--tail "${options.tail}" is not a number of lines; pass e.g. --tail 100`);
  const client = createClient(connect(options));
  try {
    const execution = await executionNamed(client, name);
    const functionName = execution === undefined ? (await functionNamed(client, name)).metadata.name! : undefined;
    const pods = await podsFor(client, execution, functionName ?? "");
    if (pods.length === 0) {
      const fn = execution?.spec.function ?? name;
      process.stderr.write(
        `function "${fn}" has no worker Pods in namespace "${client.namespace}" (scaled to zero?)\n`,
      );
      return;
    }
    const only = execution === undefined ? undefined : name;
    await Promise.all(
      pods.map((pod) =>
        client.podLog(pod, lineWriter(pods.length > 1 ? `[${pod}] ` : "", only), {
          follow: options.follow === true,
          ...(tailLines === undefined ? {} : { tailLines }),
          signal,
        }),
      ),
    );
  } finally {
    client.close();
  }
}

async function executionNamed(client: KontinueClient, name: string): Promise<Execution | undefined> {
  try {
    return await client.getExecution(name);
  } catch (error) {
    if (isKontinueError(error, "CLIENT_NOT_FOUND")) return undefined;
    throw error;
  }
}

async function functionNamed(client: KontinueClient, name: string) {
  try {
    return await client.findFunction(name);
  } catch (error) {
    if (!isKontinueError(error, "CLIENT_UNKNOWN_FUNCTION")) throw error;
    throw new KontinueError(
      "CLI_NO_SUCH_NAME",
      `"${name}" is neither an execution nor a function in namespace "${client.namespace}"; ${error.message.replace(
        /^there is no function "[^"]*" in namespace "[^"]*" on [^;]*; /,
        "",
      )}`,
      { cause: error, terminal: true },
    );
  }
}

/** The Pod holding the execution's lease, else every worker Pod of the function. */
async function podsFor(
  client: KontinueClient,
  execution: Execution | undefined,
  functionName: string,
): Promise<string[]> {
  const leased = execution?.status?.lease?.pod;
  if (leased !== undefined) return [leased];
  const resourceName = execution === undefined ? functionName : toResourceName(execution.spec.function);
  const { items } = await client.listObjects("pods", { labelSelector: `${FUNCTION_LABEL}=${resourceName}` });
  return items
    .filter((pod) => pod.spec?.nodeName !== undefined)
    .map((pod) => pod.metadata!.name!)
    .sort();
}

/** A stream that writes whole lines to stdout, each with `prefix`, only those containing `only` if given. */
function lineWriter(prefix: string, only: string | undefined): Writable {
  let partial = "";
  const emit = (line: string): void => {
    if (only === undefined || line.includes(only)) process.stdout.write(`${prefix}${line}\n`);
  };
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      const lines = (partial + chunk.toString("utf8")).split("\n");
      partial = lines.pop()!;
      for (const line of lines) emit(line);
      done();
    },
    final(done) {
      if (partial !== "") emit(partial);
      done();
    },
  });
}
