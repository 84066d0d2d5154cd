// Cancels an execution through the client; with --wait, until it is Cancelled (or finished otherwise).
import { createClient, isFinished } from "../client/index.ts";
import type { CancelOptions } from "./cancel-command.ts";
import { connect } from "./connect.ts";
import { parseSeconds } from "./parse-seconds.ts";

export async function cancelExecution(name: string, options: CancelOptions): Promise<void> {
  const timeoutMs = parseSeconds("--timeout", options.timeout) * 1000;
  const client = createClient(connect(options));
  try {
    const current = await client.getExecution(name);
    if (isFinished(current)) {
      process.stdout.write(`execution "${name}" has already finished (${current.status?.phase}); nothing to cancel\n`);
      return;
    }
    await client.cancel(name);
    if (options.wait !== true) {
      process.stdout.write(`execution "${name}" cancel requested\n`);
      return;
    }
    const phase = (await client.waitForFinish(name, { timeoutMs })).status?.phase;
    process.stdout.write(`execution "${name}" ${phase === "Cancelled" ? "cancelled" : `ended ${phase}`}\n`);
  } finally {
    client.close();
  }
}
