// A Pod's status from its containers' states, as the kubelet computes it: phase, conditions
// (PodScheduled, Initialized, ContainersReady, Ready), containerStatuses, IPs and start time.

export type ContainerState =
  | { waiting: { reason: string; message?: string } }
  | { running: { startedAt: string } }
  | {
      terminated: {
        exitCode: number;
        signal?: number;
        reason: string;
        message?: string;
        startedAt: string;
        finishedAt: string;
        containerID?: string;
      };
    };

export interface ContainerStatus {
  name: string;
  image: string;
  imageID: string;
  containerID?: string;
  state: ContainerState;
  lastState: ContainerState | Record<string, never>;
  ready: boolean;
  started: boolean;
  restartCount: number;
}

export interface PodCondition {
  type: "PodScheduled" | "Initialized" | "ContainersReady" | "Ready";
  status: "True" | "False";
  lastProbeTime: null;
  lastTransitionTime: string;
  reason?: string;
}

export interface PodStatusInput {
  restartPolicy: "Always" | "OnFailure" | "Never";
  containers: readonly ContainerStatus[];
  /** The conditions written before (their transition times are kept while their status holds). */
  previousConditions: readonly PodCondition[];
  podIP: string;
  hostIP: string;
  startTime: string;
  now: string;
}

export type PodPhase = "Pending" | "Running" | "Succeeded" | "Failed";

/** kube's getPhase for the restart policies. */
export function podPhase(
  restartPolicy: PodStatusInput["restartPolicy"],
  containers: readonly ContainerStatus[],
): PodPhase {
  const running = containers.filter((container) => "running" in container.state).length;
  const terminated = containers.filter((container) => "terminated" in container.state);
  const succeeded = terminated.filter(
    (container) => "terminated" in container.state && container.state.terminated.exitCode === 0,
  ).length;
  const restarting = containers.filter(
    (container) => "waiting" in container.state && "terminated" in container.lastState,
  ).length;
  const neverStarted = containers.length - running - terminated.length - restarting;
  if (neverStarted > 0) return "Pending";
  if (running > 0 || restarting > 0) return "Running";
  if (restartPolicy === "Always") return "Running";
  if (succeeded === containers.length) return "Succeeded";
  return restartPolicy === "Never" ? "Failed" : "Running";
}

function condition(
  previous: readonly PodCondition[],
  type: PodCondition["type"],
  ok: boolean,
  now: string,
  reason?: string,
): PodCondition {
  const status = ok ? "True" : "False";
  const before = previous.find((candidate) => candidate.type === type);
  return {
    type,
    status,
    lastProbeTime: null,
    lastTransitionTime: before && before.status === status ? before.lastTransitionTime : now,
    ...(!ok && reason ? { reason } : {}),
  };
}

export function podStatus(input: PodStatusInput): Record<string, unknown> {
  const phase = podPhase(input.restartPolicy, input.containers);
  const allReady = input.containers.length > 0 && input.containers.every((container) => container.ready);
  const finished = phase === "Succeeded" || phase === "Failed";
  const reason = finished ? "PodCompleted" : "ContainersNotReady";
  return {
    phase,
    conditions: [
      condition(input.previousConditions, "Initialized", true, input.now),
      condition(input.previousConditions, "Ready", allReady, input.now, reason),
      condition(input.previousConditions, "ContainersReady", allReady, input.now, reason),
      condition(input.previousConditions, "PodScheduled", true, input.now),
    ],
    hostIP: input.hostIP,
    hostIPs: [{ ip: input.hostIP }],
    podIP: input.podIP,
    podIPs: [{ ip: input.podIP }],
    startTime: input.startTime,
    containerStatuses: input.containers,
    qosClass: "BestEffort",
  };
}
