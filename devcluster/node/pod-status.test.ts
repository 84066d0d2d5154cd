import { describe, expect, it } from "vitest";
import { podPhase, podStatus } from "./pod-status.ts";
import type { ContainerStatus } from "./pod-status.ts";

const container = (state: ContainerStatus["state"], options: Partial<ContainerStatus> = {}): ContainerStatus => ({
  name: "c",
  image: "i",
  imageID: "",
  state,
  lastState: {},
  ready: false,
  started: false,
  restartCount: 0,
  ...options,
});
const terminated = (exitCode: number) => ({
  terminated: { exitCode, reason: exitCode === 0 ? "Completed" : "Error", startedAt: "t", finishedAt: "t" },
});

describe("podPhase", () => {
  it("is Pending until every container started, Running while one runs or restarts", () => {
    expect(podPhase("Always", [container({ waiting: { reason: "ContainerCreating" } })])).toBe("Pending");
    expect(podPhase("Always", [container({ running: { startedAt: "t" } })])).toBe("Running");
    expect(
      podPhase("Always", [container({ waiting: { reason: "CrashLoopBackOff" } }, { lastState: terminated(1) })]),
    ).toBe("Running");
  });

  it("ends Succeeded or Failed only when the restart policy lets containers stay down", () => {
    expect(podPhase("Never", [container(terminated(0))])).toBe("Succeeded");
    expect(podPhase("Never", [container(terminated(2))])).toBe("Failed");
    expect(podPhase("OnFailure", [container(terminated(0))])).toBe("Succeeded");
    expect(podPhase("Always", [container(terminated(0))])).toBe("Running");
  });
});

describe("podStatus", () => {
  it("sets Ready and ContainersReady from the containers and keeps transition times while a condition holds", () => {
    const input = {
      restartPolicy: "Always" as const,
      podIP: "127.1.0.1",
      hostIP: "127.0.0.1",
      startTime: "s",
      now: "t1",
    };
    const first = podStatus({
      ...input,
      containers: [container({ running: { startedAt: "t" } }, { ready: true })],
      previousConditions: [],
    });
    expect(first).toMatchObject({ phase: "Running", podIP: "127.1.0.1", hostIP: "127.0.0.1", startTime: "s" });
    const conditions = first.conditions as { type: string; status: string; lastTransitionTime: string }[];
    expect(conditions.find((c) => c.type === "Ready")).toMatchObject({ status: "True", lastTransitionTime: "t1" });
    const later = podStatus({
      ...input,
      now: "t2",
      containers: [container({ running: { startedAt: "t" } }, { ready: true })],
      previousConditions: conditions as never,
    });
    expect(
      (later.conditions as { type: string; lastTransitionTime: string }[]).find((c) => c.type === "Ready")
        ?.lastTransitionTime,
    ).toBe("t1");
    const notReady = podStatus({
      ...input,
      now: "t3",
      containers: [container({ running: { startedAt: "t" } })],
      previousConditions: conditions as never,
    });
    expect(
      (notReady.conditions as { type: string; status: string; reason?: string }[]).find((c) => c.type === "Ready"),
    ).toMatchObject({ status: "False", reason: "ContainersNotReady" });
  });
});
