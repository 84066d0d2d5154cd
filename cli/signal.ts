// Sends a signal to an execution (`kontinue signal`).
import { createKubeHttp, kontinueResources, sendSignal } from "../runtime/index.ts";
import { connect } from "./connect.ts";
import { parseJsonArgument } from "./json-argument.ts";
import type { SignalOptions } from "./signal-command.ts";

export async function signalExecution(
  execution: string,
  name: string,
  payloadText: string,
  options: SignalOptions,
): Promise<void> {
  const payload = parseJsonArgument("payload", payloadText);
  const { kubeConfig, namespace } = connect(options);
  const { executions } = kontinueResources(createKubeHttp(kubeConfig));
  const result = await sendSignal({
    executions,
    namespace,
    execution,
    name,
    payload,
    ...(options.id ? { id: options.id } : {}),
  });
  const what = `signal "${name}" (id ${result.signal.id}) to execution "${execution}"`;
  process.stdout.write(result.sent ? `sent ${what}\n` : `${what} was already sent; nothing changed\n`);
}
