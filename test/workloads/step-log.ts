// An HTTP endpoint on loopback the workloads Function reports each step body to (also reachable from a Docker
// container on the host network), so tests count the bodies that ran and where.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface StepRun {
  execution: string;
  step: number;
  pod: string;
}

export interface StepLog {
  /** What the Function's STEP_LOG_URL is set to. */
  url: string;
  runs: StepRun[];
  /** How often each `<execution> <step>` body ran. */
  counts(): Map<string, number>;
  close(): Promise<void>;
}

export async function startStepLog(): Promise<StepLog> {
  const runs: StepRun[] = [];
  const server: Server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      runs.push(JSON.parse(body) as StepRun);
      response.end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/step`,
    runs,
    counts() {
      const counts = new Map<string, number>();
      for (const run of runs) {
        const key = `${run.execution} ${run.step}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      return counts;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
