import { describe, expect, it } from "vitest";
import { suspensionSpecFor } from "./suspend.ts";

describe("suspensionSpecFor", () => {
  it("wakes at the earliest time and waits for every child", () => {
    const spec = suspensionSpecFor("order-1", [
      { seq: 1, kind: "sleep", until: Date.UTC(2026, 0, 1, 0, 10) },
      { seq: 2, kind: "poll", until: Date.UTC(2026, 0, 1, 0, 5) },
      { seq: 3, kind: "execute", child: "order-1-3" },
    ]);
    expect(spec).toEqual({ execution: "order-1", reason: "Execute", until: "2026-01-01T00:05:00.000Z", children: ["order-1-3"] });
  });

  it("names the reason after what waits", () => {
    expect(suspensionSpecFor("a", [{ seq: 0, kind: "sleep", until: 0 }]).reason).toBe("Sleep");
    expect(suspensionSpecFor("a", [{ seq: 0, kind: "sleep", until: 0 }, { seq: 1, kind: "poll", until: 5 }]).reason).toBe("Poll");
  });
});
