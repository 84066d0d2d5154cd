import { describe, expect, it } from "vitest";
import { planRollout, resolveFenceposts, resolveIntOrPercent } from "./rollout-plan.ts";

const set = (name: string, replicas: number, available = replicas, current = replicas) => ({
  name,
  replicas,
  current,
  available,
});

describe("resolveFenceposts", () => {
  it("rounds surge up and unavailability down, and never lets both be zero", () => {
    expect(resolveFenceposts({ replicas: 10, maxSurge: "25%", maxUnavailable: "25%" })).toEqual({
      surge: 3,
      unavailable: 2,
    });
    expect(resolveFenceposts({ replicas: 1, maxSurge: "25%", maxUnavailable: "25%" })).toEqual({
      surge: 1,
      unavailable: 0,
    });
    expect(resolveFenceposts({ replicas: 3, maxSurge: 0, maxUnavailable: 0 })).toEqual({ surge: 0, unavailable: 1 });
    expect(resolveIntOrPercent("2", 10, true)).toBe(2);
  });
});

describe("planRollout", () => {
  const rolling = { strategy: "RollingUpdate" as const, maxSurge: "25%", maxUnavailable: "25%" };

  it("scales a new Deployment's ReplicaSet straight up and down to spec.replicas", () => {
    expect(planRollout({ ...rolling, replicas: 3, newReplicaSet: set("new", 0), oldReplicaSets: [] })).toEqual(
      new Map([["new", 3]]),
    );
    expect(planRollout({ ...rolling, replicas: 1, newReplicaSet: set("new", 3), oldReplicaSets: [] })).toEqual(
      new Map([["new", 1]]),
    );
    expect(planRollout({ ...rolling, replicas: 3, newReplicaSet: set("new", 3), oldReplicaSets: [] })).toEqual(
      new Map(),
    );
  });

  it("surges the new ReplicaSet first, then scales old ones down as far as availability allows", () => {
    // 4 replicas: surge 1, unavailable 1.
    expect(
      planRollout({ ...rolling, replicas: 4, newReplicaSet: set("new", 0), oldReplicaSets: [set("old", 4)] }),
    ).toEqual(new Map([["new", 1]]));
    // The new Pod is not available yet: one old Pod may go (4 + 1 − 3 − 1 = 1).
    expect(
      planRollout({ ...rolling, replicas: 4, newReplicaSet: set("new", 1, 0), oldReplicaSets: [set("old", 4)] }),
    ).toEqual(new Map([["old", 3]]));
    // Once it is available, more old Pods go.
    expect(
      planRollout({ ...rolling, replicas: 4, newReplicaSet: set("new", 2, 2), oldReplicaSets: [set("old", 3)] }),
    ).toEqual(new Map([["old", 1]]));
  });

  it("drops old ReplicaSets' unavailable Pods before available ones", () => {
    const plan = planRollout({
      strategy: "RollingUpdate",
      replicas: 3,
      maxSurge: 0,
      maxUnavailable: 1,
      newReplicaSet: set("new", 1, 1),
      oldReplicaSets: [set("broken", 1, 0), set("old", 2, 2)],
    });
    expect(plan).toEqual(
      new Map([
        ["broken", 0],
        ["old", 1],
      ]),
    );
    // No room while the new Pods are not available: minimum availability holds.
    expect(
      planRollout({ ...rolling, replicas: 2, newReplicaSet: set("new", 2, 0), oldReplicaSets: [set("old", 1, 1)] }),
    ).toEqual(new Map());
  });

  it("Recreate: old ReplicaSets to zero, the new one up only once their Pods are gone", () => {
    const recreate = { ...rolling, strategy: "Recreate" as const };
    expect(
      planRollout({ ...recreate, replicas: 2, newReplicaSet: set("new", 0), oldReplicaSets: [set("old", 2)] }),
    ).toEqual(new Map([["old", 0]]));
    expect(
      planRollout({ ...recreate, replicas: 2, newReplicaSet: set("new", 0), oldReplicaSets: [set("old", 0, 0, 1)] }),
    ).toEqual(new Map());
    expect(
      planRollout({ ...recreate, replicas: 2, newReplicaSet: set("new", 0), oldReplicaSets: [set("old", 0, 0, 0)] }),
    ).toEqual(new Map([["new", 2]]));
  });
});
