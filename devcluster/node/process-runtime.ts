// Process mode: a container is a child process of devcluster running the image's own files (unpacked
// from the registry) — with this machine's `node` when the entrypoint is a node binary.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { basename, join } from "node:path";
import { signalExitCode } from "./container-runtime.ts";
import type {
  ContainerExit,
  ContainerRuntime,
  ContainerStart,
  PulledImage,
  RunningContainer,
} from "./container-runtime.ts";
import { ImageCache } from "./image-cache.ts";

export interface ProcessRuntimeOptions {
  /** Where layers and root filesystems are cached. */
  cacheDir: string;
  insecureRegistries: readonly string[];
  /** The `node` that runs Node entrypoints; default this process's. */
  nodePath?: string;
}

/** A path inside the image, on the host (absolute image paths that exist under the root filesystem). */
function hostPath(rootfs: string, path: string): string {
  return path.startsWith("/") && existsSync(join(rootfs, path)) ? join(rootfs, path) : path;
}

export class ProcessRuntime implements ContainerRuntime {
  readonly mode = "process" as const;
  readonly #images: ImageCache;
  readonly #rootfs = new Map<string, string>();
  readonly #nodePath: string;

  constructor(options: ProcessRuntimeOptions) {
    this.#images = new ImageCache({ directory: options.cacheDir, insecureRegistries: options.insecureRegistries });
    this.#nodePath = options.nodePath ?? process.execPath;
  }

  async pull(reference: string): Promise<PulledImage> {
    const image = await this.#images.pull(reference);
    this.#rootfs.set(image.imageID, image.rootfs);
    const config = image.config.config ?? {};
    return {
      reference,
      imageID: image.imageID,
      process: {
        entrypoint: config.Entrypoint ?? [],
        cmd: config.Cmd ?? [],
        env: config.Env ?? [],
        workingDir: config.WorkingDir ?? "/",
        ...(config.User ? { user: config.User } : {}),
      },
    };
  }

  async start(spec: ContainerStart): Promise<RunningContainer> {
    const rootfs = this.#rootfs.get(spec.image.imageID);
    if (!rootfs) throw new Error(`image "${spec.image.reference}" was not pulled on this node`);
    const [program, ...args] = spec.argv;
    if (!program)
      throw new Error(
        `container "${spec.name}" has no command: the image has no Entrypoint or Cmd and the Pod sets none`,
      );
    const executable = /^node(js)?$/.test(basename(program)) ? this.#nodePath : hostPath(rootfs, program);
    const workingDir = hostPath(rootfs, spec.workingDir ?? spec.image.process.workingDir);
    const env: Record<string, string> = {
      ...Object.fromEntries(spec.env),
      PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
      HOME: spec.podDir,
    };
    if (!spec.env.has("HOSTNAME")) env.HOSTNAME = spec.podName;
    const child = spawn(
      executable,
      args.map((arg) => hostPath(rootfs, arg)),
      { cwd: existsSync(workingDir) ? workingDir : rootfs, env, stdio: ["ignore", "pipe", "pipe"] },
    );
    const exited = new Promise<ContainerExit>((resolve) => {
      child.once("error", () => resolve({ exitCode: 128 }));
      child.once("exit", (code, signal) =>
        resolve(signal ? { exitCode: signalExitCode(signal), signal } : { exitCode: code ?? 0 }),
      );
    });
    await new Promise<void>((resolve, reject) => {
      child.once("spawn", resolve);
      child.once("error", (error) =>
        reject(new Error(`cannot start container "${spec.name}": ${error.message}`, { cause: error })),
      );
    });
    return {
      id: `process://${child.pid}`,
      stdout: child.stdout!,
      stderr: child.stderr!,
      exited,
      signal: (signal) => {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      },
    };
  }
}
