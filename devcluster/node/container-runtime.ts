// What the node agent needs from a container backend (a local process or the Docker engine):
// pull an image, start a container, signal it, learn how it ended.
import type { Readable } from "node:stream";
import type { ImageProcess } from "./container-command.ts";

export interface PulledImage {
  /** The reference the Pod names. */
  reference: string;
  /** `containerStatuses[].imageID`: the repository by digest. */
  imageID: string;
  process: ImageProcess;
}

export interface ContainerStart {
  podUid: string;
  podName: string;
  namespace: string;
  name: string;
  image: PulledImage;
  argv: string[];
  env: Map<string, string>;
  workingDir?: string;
  /** The kubeconfig file with the Pod's ServiceAccount token, on the host. */
  kubeconfigPath: string;
  /** Where the container reads it (KUBECONFIG points there). */
  kubeconfigMountPath: string;
  /** A directory of the Pod's own on the host (HOME for process containers). */
  podDir: string;
}

export interface ContainerExit {
  exitCode: number;
  /** Set when a signal ended it (SIGKILL → exit code 137). */
  signal?: string;
}

export interface RunningContainer {
  /** `containerStatuses[].containerID`: `process://<pid>`, `docker://<id>`. */
  id: string;
  stdout: Readable;
  stderr: Readable;
  exited: Promise<ContainerExit>;
  signal(signal: "SIGTERM" | "SIGKILL"): void;
}

export interface ContainerRuntime {
  readonly mode: "process" | "docker";
  pull(reference: string): Promise<PulledImage>;
  start(spec: ContainerStart): Promise<RunningContainer>;
}

/** Exit code for a signal as shells and kube report it (128 + number). */
export function signalExitCode(signal: string | null | undefined): number {
  const numbers: Record<string, number> = {
    SIGHUP: 1,
    SIGINT: 2,
    SIGQUIT: 3,
    SIGABRT: 6,
    SIGKILL: 9,
    SIGSEGV: 11,
    SIGTERM: 15,
  };
  return 128 + (numbers[signal ?? ""] ?? 0);
}
