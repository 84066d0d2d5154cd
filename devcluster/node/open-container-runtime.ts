// The container runtime the serve options ask for: local processes, or the Docker engine at `dockerHost`.
import { DevClusterError } from "../dev-cluster-error.ts";
import type { ContainerRuntime } from "./container-runtime.ts";
import { ProcessRuntime } from "./process-runtime.ts";

export interface OpenContainerRuntimeOptions {
  mode: "process" | "docker";
  dockerHost: string | undefined;
  cacheDir: string;
  insecureRegistries: readonly string[];
}

export async function openContainerRuntime(options: OpenContainerRuntimeOptions): Promise<ContainerRuntime> {
  if (options.mode === "process")
    return new ProcessRuntime({ cacheDir: options.cacheDir, insecureRegistries: options.insecureRegistries });
  const [{ default: Docker }, { DockerRuntime, dockerConnection }] = await Promise.all([
    import("dockerode"),
    import("./docker-runtime.ts"),
  ]);
  const docker = new Docker(options.dockerHost ? dockerConnection(options.dockerHost) : {});
  try {
    await docker.ping();
  } catch (error) {
    const where = options.dockerHost ?? "DOCKER_HOST";
    throw new DevClusterError(
      "DEVCLUSTER_DOCKER_UNAVAILABLE",
      `cannot run Pods on the Docker engine at "${where}": ${(error as Error).message}; start it, or serve without ` +
        `--docker-host (process mode)`,
      { cause: error },
    );
  }
  return new DockerRuntime({ docker });
}
