// Runs one `kontinue worker` child process per Function file and restarts it when its file changes.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const cliEntry = fileURLToPath(new URL("../bin/kontinue.js", import.meta.url));

export interface FunctionProcessesOptions {
  kubeconfigPath: string;
  namespace: string;
  /** Where each worker's output goes, line by line. */
  log: (functionName: string, line: string) => void;
}

interface Running {
  child: ChildProcess;
  exited: Promise<void>;
}

export class FunctionProcesses {
  readonly #options: FunctionProcessesOptions;
  readonly #running = new Map<string, Running>();

  constructor(options: FunctionProcessesOptions) {
    this.#options = options;
  }

  /** Starts the worker for `file`, replacing the one already running for it. */
  async restart(functionName: string, file: string): Promise<void> {
    await this.stop(functionName);
    const child = spawn(
      process.execPath,
      [cliEntry, "worker", file, "--kubeconfig", this.#options.kubeconfigPath, "--namespace", this.#options.namespace],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    for (const stream of [child.stdout!, child.stderr!]) {
      let pending = "";
      stream.on("data", (chunk: Buffer) => {
        const lines = (pending + chunk.toString()).split("\n");
        pending = lines.pop()!;
        for (const line of lines) this.#options.log(functionName, line);
      });
    }
    const exited = new Promise<void>((resolve) =>
      child.once("exit", (code, signal) => {
        if (this.#running.get(functionName)?.child === child) {
          this.#running.delete(functionName);
          this.#options.log(functionName, `worker exited (${signal ?? code}); it restarts when "${file}" changes`);
        }
        resolve();
      }),
    );
    this.#running.set(functionName, { child, exited });
  }

  /** SIGTERM: the worker hands back what it holds and exits. */
  async stop(functionName: string): Promise<void> {
    const running = this.#running.get(functionName);
    if (!running) return;
    this.#running.delete(functionName);
    running.child.kill("SIGTERM");
    await running.exited;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.#running.keys()].map((name) => this.stop(name)));
  }
}
