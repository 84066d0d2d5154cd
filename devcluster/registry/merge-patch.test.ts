import { describe, expect, it } from "vitest";
import { applyMergePatch } from "./merge-patch.ts";

describe("applyMergePatch", () => {
  it("passes the RFC 7386 appendix examples", () => {
    const cases: [unknown, unknown, unknown][] = [
      [{ a: "b" }, { a: "c" }, { a: "c" }],
      [{ a: "b" }, { b: "c" }, { a: "b", b: "c" }],
      [{ a: "b" }, { a: null }, {}],
      [{ a: "b", b: "c" }, { a: null }, { b: "c" }],
      [{ a: ["b"] }, { a: "c" }, { a: "c" }],
      [{ a: "c" }, { a: ["b"] }, { a: ["b"] }],
      [{ a: { b: "c" } }, { a: { b: "d", c: null } }, { a: { b: "d" } }],
      [{ a: [{ b: "c" }] }, { a: [1] }, { a: [1] }],
      [
        ["a", "b"],
        ["c", "d"],
        ["c", "d"],
      ],
      [{ a: "b" }, ["c"], ["c"]],
      [{ a: "foo" }, null, null],
      [{ a: "foo" }, "bar", "bar"],
      [{ e: null }, { a: 1 }, { e: null, a: 1 }],
      [[1, 2], { a: "b", c: null }, { a: "b" }],
      [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
    ];
    for (const [target, patch, expected] of cases) expect(applyMergePatch(target, patch)).toEqual(expected);
  });

  it("does what kubectl scale and patch --type=merge need on a custom resource", () => {
    const execution = {
      metadata: { name: "x", labels: { a: "1" } },
      spec: { function: "processOrder", arguments: { orderId: "1" } },
      status: { phase: "Pending" },
    };
    const patched = applyMergePatch(execution, {
      metadata: { labels: { a: null, b: "2" } },
      status: { phase: "Completed", result: { ok: true } },
    });
    expect(patched).toEqual({
      metadata: { name: "x", labels: { b: "2" } },
      spec: { function: "processOrder", arguments: { orderId: "1" } },
      status: { phase: "Completed", result: { ok: true } },
    });
  });

  it("never mutates its inputs nor shares structure with the patch", () => {
    const target = { spec: { a: { b: 1 } } };
    const patch = { spec: { c: { d: 2 } } };
    const result = applyMergePatch(target, patch) as { spec: { c: { d: number } } };
    result.spec.c.d = 3;
    expect(target).toEqual({ spec: { a: { b: 1 } } });
    expect(patch).toEqual({ spec: { c: { d: 2 } } });
  });
});
