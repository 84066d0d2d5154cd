// Docker mode: a container is a Docker container (dockerode) on the engine's host network, its image
// pulled by the engine from its registry, the Pod's kubeconfig mounted read-only.
import { chmodSync } from "node:fs";
import { PassThrough } from "node:stream";
import type Docker from "dockerode";
import { signalExitCode } from "./container-runtime.ts";
import type {
  ContainerExit,
  ContainerRuntime,
  ContainerStart,
  PulledImage,
  RunningContainer,
} from "./container-runtime.ts";

export interface DockerRuntimeOptions {
  docker: Docker;
}

/** dockerode's connection options for `unix:///path`, `tcp://host:port` or `http://host:port`. */
export function dockerConnection(dockerHost: string): Docker.DockerOptions {
  if (dockerHost.startsWith("unix://")) return { socketPath: dockerHost.slice("unix://".length) };
  const url = new URL(dockerHost.replace(/^tcp:/, "http:"));
  return { host: url.hostname, port: Number(url.port || 2375), protocol: url.protocol === "https:" ? "https" : "http" };
}

/** `k8s_<container>_<pod>_<namespace>_<uid>_<attempt>`, the name dockershim gave containers. */
function containerName(spec: ContainerStart, attempt: number): string {
  return `k8s_${spec.name}_${spec.podName}_${spec.namespace}_${spec.podUid}_${attempt}`;
}

export class DockerRuntime implements ContainerRuntime {
  readonly mode = "docker" as const;
  readonly #docker: Docker;
  #attempts = 0;

  constructor(options: DockerRuntimeOptions) {
    this.#docker = options.docker;
  }

  async pull(reference: string): Promise<PulledImage> {
    const stream = await this.#docker.pull(reference);
    await new Promise<void>((resolve, reject) => {
      this.#docker.modem.followProgress(stream, (error: Error | null, events: { error?: string }[]) => {
        const failed = error?.message ?? events.find((event) => event.error)?.error;
        if (failed) reject(new Error(failed));
        else resolve();
      });
    });
    const image = await this.#docker.getImage(reference).inspect();
    const config = image.Config;
    return {
      reference,
      imageID: image.RepoDigests?.[0] ?? image.Id,
      process: {
        entrypoint: config.Entrypoint ? [config.Entrypoint].flat() : [],
        cmd: config.Cmd ?? [],
        env: config.Env ?? [],
        workingDir: config.WorkingDir || "/",
        ...(config.User ? { user: config.User } : {}),
      },
    };
  }

  async start(spec: ContainerStart): Promise<RunningContainer> {
    // The image's user (often not root) must read the mounted kubeconfig.
    chmodSync(spec.kubeconfigPath, 0o644);
    const [entrypoint, ...args] = spec.argv;
    this.#attempts += 1;
    const container = await this.#docker.createContainer({
      name: containerName(spec, this.#attempts),
      Image: spec.image.reference,
      ...(entrypoint !== undefined ? { Entrypoint: [entrypoint], Cmd: args } : {}),
      Env: [...spec.env].map(([name, value]) => `${name}=${value}`),
      ...(spec.workingDir ? { WorkingDir: spec.workingDir } : {}),
      Hostname: spec.podName,
      Labels: {
        "io.kubernetes.pod.name": spec.podName,
        "io.kubernetes.pod.namespace": spec.namespace,
        "io.kubernetes.pod.uid": spec.podUid,
        "io.kubernetes.container.name": spec.name,
      },
      HostConfig: { NetworkMode: "host", Binds: [`${spec.kubeconfigPath}:${spec.kubeconfigMountPath}:ro`] },
    });
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const attached = await container.attach({ stream: true, stdout: true, stderr: true });
    this.#docker.modem.demuxStream(attached, stdout, stderr);
    attached.once("end", () => {
      stdout.end();
      stderr.end();
    });
    try {
      await container.start();
    } catch (error) {
      await container.remove({ force: true }).catch(() => undefined);
      throw new Error(`cannot start container "${spec.name}" on the Docker engine: ${(error as Error).message}`, {
        cause: error,
      });
    }
    let signalled: string | undefined;
    const exited = container.wait().then(async (result: { StatusCode: number }): Promise<ContainerExit> => {
      await container.remove({ force: true }).catch(() => undefined);
      const exitCode = result.StatusCode;
      const signal = signalled && exitCode === signalExitCode(signalled) ? signalled : undefined;
      return signal ? { exitCode, signal } : { exitCode };
    });
    return {
      id: `docker://${container.id}`,
      stdout,
      stderr,
      exited,
      signal: (signal) => {
        signalled = signal;
        container.kill({ signal }).catch(() => undefined);
      },
    };
  }
}
