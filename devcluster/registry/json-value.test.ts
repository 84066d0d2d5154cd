import { describe, expect, it } from "vitest";
import { cloneJson, isObject, jsonEqual } from "./json-value.ts";

describe("cloneJson", () => {
  it("copies nested objects and arrays without sharing them", () => {
    const original = { a: [1, { b: "c" }], d: { e: null, f: true } };
    const copy = cloneJson(original);
    expect(copy).toEqual(original);
    (copy.a[1] as { b: string }).b = "changed";
    copy.d.f = false;
    expect(original).toEqual({ a: [1, { b: "c" }], d: { e: null, f: true } });
  });

  it("returns scalars as they are", () => {
    expect(cloneJson("x")).toBe("x");
    expect(cloneJson(null)).toBeNull();
    expect(cloneJson(3)).toBe(3);
  });
});

describe("isObject", () => {
  it("accepts JSON objects only", () => {
    expect(isObject({})).toBe(true);
    expect(isObject({ a: 1 })).toBe(true);
    expect(isObject([])).toBe(false);
    expect(isObject(null)).toBe(false);
    expect(isObject("x")).toBe(false);
  });
});

describe("jsonEqual", () => {
  it("compares objects by their members in any order, arrays item by item", () => {
    expect(jsonEqual({ a: [1, { b: "c" }], d: null }, { d: null, a: [1, { b: "c" }] })).toBe(true);
    expect(jsonEqual({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(jsonEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(jsonEqual({ a: 1, b: undefined }, { a: 1, c: undefined })).toBe(false);
    expect(jsonEqual([], {})).toBe(false);
    expect(jsonEqual("1", 1)).toBe(false);
    expect(jsonEqual(null, {})).toBe(false);
  });
});
