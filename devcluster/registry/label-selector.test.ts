import { describe, expect, it } from "vitest";
import { ApiError } from "./api-error.ts";
import {
  formatLabelSelector,
  labelSelectorFromMatch,
  matchesLabelSelector,
  parseLabelSelector,
} from "./label-selector.ts";

function matches(selector: string, labels?: Record<string, string>): boolean {
  return matchesLabelSelector(parseLabelSelector(selector), labels);
}

function parseError(selector: string): ApiError {
  try {
    parseLabelSelector(selector);
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error(`selector ${JSON.stringify(selector)} parsed`);
}

describe("parseLabelSelector", () => {
  it("matches everything with an empty selector", () => {
    expect(matches("", undefined)).toBe(true);
    expect(matches("  ", { a: "b" })).toBe(true);
  });

  it("supports equality, inequality and the double-equals form", () => {
    expect(matches("app=web", { app: "web" })).toBe(true);
    expect(matches("app==web", { app: "web" })).toBe(true);
    expect(matches("app=web", { app: "db" })).toBe(false);
    expect(matches("app!=web", { app: "db" })).toBe(true);
    expect(matches("app!=web", {})).toBe(true);
    expect(matches("app!=web", { app: "web" })).toBe(false);
  });

  it("supports set membership, existence and absence", () => {
    expect(matches("tier in (a, b)", { tier: "b" })).toBe(true);
    expect(matches("tier in (a,b)", { tier: "c" })).toBe(false);
    expect(matches("tier in (a,b)", {})).toBe(false);
    expect(matches("tier notin (a)", { tier: "b" })).toBe(true);
    expect(matches("tier notin (a)", {})).toBe(true);
    expect(matches("tier notin (a)", { tier: "a" })).toBe(false);
    expect(matches("tier", { tier: "" })).toBe(true);
    expect(matches("tier", {})).toBe(false);
    expect(matches("!tier", {})).toBe(true);
    expect(matches("!tier", { tier: "x" })).toBe(false);
  });

  it("requires every comma-joined requirement", () => {
    const selector = "kontinue.cloud/function=process-order,env in (prod,staging),!paused";
    expect(matches(selector, { "kontinue.cloud/function": "process-order", env: "prod" })).toBe(true);
    expect(matches(selector, { "kontinue.cloud/function": "process-order", env: "prod", paused: "1" })).toBe(false);
    expect(matches(selector, { "kontinue.cloud/function": "other", env: "prod" })).toBe(false);
  });

  it("accepts an empty value and numeric comparisons", () => {
    expect(matches("a=", { a: "" })).toBe(true);
    expect(matches("a=", { a: "x" })).toBe(false);
    expect(matches("n>3", { n: "4" })).toBe(true);
    expect(matches("n<3", { n: "4" })).toBe(false);
  });

  it("answers bad selectors with 400 BadRequest as kube-apiserver does", () => {
    for (const bad of ["a in b", "a b", "=x", "a=b,", "a in (b", "a==b==c", "!", "a in ()", "bad key!=x", "a=-bad-"]) {
      const error = parseError(bad);
      expect(error.code, bad).toBe(400);
      expect(error.reason).toBe("BadRequest");
      expect(error.message).toMatch(/^(unable to parse requirement: )?found '|^unable to parse requirement: /);
    }
    expect(parseError("a in b").message).toBe("unable to parse requirement: found 'b', expected: '('");
    expect(parseError("Bad_Prefix/x=y").message).toContain('key: Invalid value: "Bad_Prefix/x"');
    expect(parseError("a=b c").message).toBe("found 'c', expected: ',' or 'end of string'");
    expect(parseError("a=b,").message).toBe("found '', expected: identifier after ','");
    expect(parseError("=x").message).toBe("found '=', expected: !, identifier, or 'end of string'");
  });

  it("formats a selector back into its canonical text", () => {
    expect(formatLabelSelector(parseLabelSelector("b in (y,x),a==1,!c,d"))).toBe("b in (x,y),a=1,!c,d");
  });
});

describe("labelSelectorFromMatch", () => {
  it("combines matchLabels and matchExpressions", () => {
    const selector = labelSelectorFromMatch({
      matchLabels: { app: "web" },
      matchExpressions: [
        { key: "tier", operator: "In", values: ["a", "b"] },
        { key: "env", operator: "NotIn", values: ["dev"] },
        { key: "team", operator: "Exists" },
        { key: "legacy", operator: "DoesNotExist" },
      ],
    });
    expect(matchesLabelSelector(selector, { app: "web", tier: "a", team: "x" })).toBe(true);
    expect(matchesLabelSelector(selector, { app: "web", tier: "a", team: "x", env: "dev" })).toBe(false);
    expect(matchesLabelSelector(selector, { app: "web", tier: "a", team: "x", legacy: "y" })).toBe(false);
    expect(matchesLabelSelector(selector, { app: "web", tier: "c", team: "x" })).toBe(false);
    expect(formatLabelSelector(labelSelectorFromMatch({ matchLabels: { app: "web" } }))).toBe("app=web");
  });

  it("selects everything when empty and rejects unknown operators", () => {
    expect(matchesLabelSelector(labelSelectorFromMatch({}), { any: "thing" })).toBe(true);
    expect(() => labelSelectorFromMatch({ matchExpressions: [{ key: "a", operator: "Like", values: ["x"] }] })).toThrow(
      ApiError,
    );
    expect(() => labelSelectorFromMatch({ matchExpressions: [{ key: "a", operator: "In", values: [] }] })).toThrow(
      /values set can't be empty/,
    );
  });
});
