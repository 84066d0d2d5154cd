// Sends a signal to an execution (`kontinue signal`), through the client.
import { createClient } from "../client/index.ts";
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
  const client = createClient(connect(options));
  try {
    const result = await client.signal(execution, name, payload, options.id === undefined ? {} : { id: options.id });
    const what = `signal "${name}" (id ${result.id}) to execution "${execution}"`;
    process.stdout.write(result.sent ? `sent ${what}\n` : `${what} was already sent; nothing changed\n`);
  } finally {
    client.close();
  }
}
