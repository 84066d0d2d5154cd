import { describe, expect, it } from "vitest";
import { toJson } from "./json-value.ts";

describe("toJson", () => {
  it("returns a JSON copy of plain data, and undefined for no value", () => {
    const input = { a: [1, "two", null, true], b: { c: 1.5 }, skipped: undefined };
    const copy = toJson(input, "x");
    expect(copy).toEqual({ a: [1, "two", null, true], b: { c: 1.5 } });
    expect(copy).not.toBe(input);
    expect(toJson(undefined, "x")).toBeUndefined();
    expect(toJson(Object.create(null), "x")).toEqual({});
  });

  it.each([
    [{ f: () => 1 }, '"f" is a function'],
    [{ n: 10n }, '"n" is a BigInt'],
    [{ when: new Date(0) }, '"when" is a Date instance'],
    [{ m: new Map() }, '"m" is a Map instance'],
    [[1, undefined], '"[1]" is undefined inside an array'],
    [{ x: Number.POSITIVE_INFINITY }, '"x" is Infinity'],
    [{ s: Symbol("s") }, '"s" is a symbol'],
  ])("rejects %o naming the path", (value, why) => {
    expect(() => toJson(value, "the value of step 3")).toThrow(`the value of step 3 is not JSON: ${why}`);
  });

  it("rejects cycles but accepts shared references", () => {
    const shared = { n: 1 };
    expect(toJson({ a: shared, b: shared }, "x")).toEqual({ a: { n: 1 }, b: { n: 1 } });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => toJson(cyclic, "x")).toThrow('"self" refers back to itself (a cycle)');
  });
});
