// `kontinue cluster serve`: runs devcluster in the foreground until SIGTERM or SIGINT.
import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import { resolve } from "node:path";

function portNumber(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new InvalidArgumentError(`"${value}" is not a port number (0-65535; 0 picks a free port)`);
  return port;
}

function positiveSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new InvalidArgumentError(`"${value}" is not a positive number of seconds`);
  return seconds;
}

function runnerMode(value: string): "process" | "docker" | "off" {
  if (value === "process" || value === "docker" || value === "off") return value;
  throw new InvalidArgumentError(`"${value}" is not a runner; use process, docker or off`);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

interface ServeFlags {
  data: string;
  port: number;
  host: string;
  watchHistory: number;
  runner?: "process" | "docker" | "off";
  dockerHost?: string;
  restartBackoff?: number;
  maxRestartBackoff?: number;
  insecureRegistry: string[];
}

export function registerClusterCommand(program: Command): void {
  const cluster = program.command("cluster");
  cluster
    .command("serve")
    .description("serve devcluster in the foreground; writes <dir>/kubeconfig once it accepts requests")
    .requiredOption("--data <dir>", "where devcluster keeps its state, certificate, token and kubeconfig")
    .option("--port <n>", "HTTPS port (0 picks a free port)", portNumber, 0)
    .option("--host <address>", "address to listen on", "127.0.0.1")
    .option(
      "--watch-history <seconds>",
      "how long watches can resume from an old resourceVersion (older: 410 Gone)",
      positiveSeconds,
      300,
    )
    .option(
      "--runner <mode>",
      "what runs Deployments' Pods: process, docker (default with --docker-host) or off",
      runnerMode,
    )
    .option("--docker-host <url>", "run Pods' containers on this Docker engine (unix:///path or tcp://host:port)")
    .option(
      "--restart-backoff <seconds>",
      "wait before the first restart of a crashed container (doubles after)",
      positiveSeconds,
    )
    .option("--max-restart-backoff <seconds>", "longest wait between restarts of a crashed container", positiveSeconds)
    .option(
      "--insecure-registry <host:port>",
      "pull Pods' images from this registry over plain HTTP (repeatable; loopback always is)",
      collect,
      [],
    )
    .action(async (options: ServeFlags) => {
      const { startDevCluster } = await import("../devcluster/index.ts");
      const devCluster = await startDevCluster({
        dataDir: resolve(options.data),
        port: options.port,
        host: options.host,
        historyMillis: options.watchHistory * 1000,
        ...(options.runner ? { runner: options.runner } : {}),
        ...(options.dockerHost ? { dockerHost: options.dockerHost } : {}),
        ...(options.restartBackoff !== undefined ? { restartBackoffMillis: options.restartBackoff * 1000 } : {}),
        ...(options.maxRestartBackoff !== undefined
          ? { maxRestartBackoffMillis: options.maxRestartBackoff * 1000 }
          : {}),
        insecureRegistries: options.insecureRegistry,
      });
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
