// Retries a Failed execution through the client and prints the new one.
import { createClient } from "../client/index.ts";
import { GROUP } from "../crds/index.ts";
import { connect } from "./connect.ts";
import { printObjects } from "./print-objects.ts";
import type { RetryOptions } from "./retry-command.ts";

export async function retryExecution(name: string, options: RetryOptions): Promise<void> {
  const client = createClient(connect(options));
  try {
    const created = await client.retry(name);
    process.stdout.write(
      options.output === "name"
        ? `execution.${GROUP}/${created.metadata.name} created (retry of "${name}")\n`
        : printObjects([created], { output: options.output, single: true }),
    );
  } finally {
    client.close();
  }
}
