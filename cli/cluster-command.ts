// `kontinue cluster serve`: runs devcluster in the foreground until SIGTERM or SIGINT.
import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import { resolve } from "node:path";

function portNumber(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError(`"${value}" is not a port number (0-65535; 0 picks a free port)`);
  return port;
}

function positiveSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new InvalidArgumentError(`"${value}" is not a positive number of seconds`);
  return seconds;
}

export function registerClusterCommand(program: Command): void {
  const cluster = program.command("cluster").description("the embedded Kubernetes-API-compatible cluster (devcluster)");
  cluster
    .command("serve")
    .description("serve devcluster in the foreground; writes <dir>/kubeconfig once it accepts requests")
    .requiredOption("--data <dir>", "where devcluster keeps its state, certificate, token and kubeconfig")
    .option("--port <n>", "HTTPS port (0 picks a free port)", portNumber, 0)
    .option("--host <address>", "address to listen on", "127.0.0.1")
    .option("--watch-history <seconds>", "how long watches can resume from an old resourceVersion (older: 410 Gone)", positiveSeconds, 300)
    .action(async (options: { data: string; port: number; host: string; watchHistory: number }) => {
      const { startDevCluster } = await import("../devcluster/index.ts");
      const devCluster = await startDevCluster({ dataDir: resolve(options.data), port: options.port, host: options.host, historyMillis: options.watchHistory * 1000 });
      process.stdout.write(`devcluster serving at ${devCluster.url}; kubeconfig: ${devCluster.kubeconfigPath}\n`);
      await new Promise<void>((done) => {
        const stop = () => {
          process.off("SIGTERM", stop);
          process.off("SIGINT", stop);
          devCluster.close().then(done, done);
        };
        process.on("SIGTERM", stop);
        process.on("SIGINT", stop);
      });
    });
}
