import { describe, expect, it } from "vitest";
import { labelKeyProblem, labelValueProblem } from "./label-syntax.ts";

describe("labelKeyProblem", () => {
  it("accepts qualified names with and without a DNS prefix", () => {
    for (const key of ["app", "kontinue.cloud/function", "app.kubernetes.io/name", "A_b-c.d", "x".repeat(63)])
      expect(labelKeyProblem(key), key).toBeUndefined();
  });

  it("explains what is wrong, in kube-apiserver's words", () => {
    expect(labelKeyProblem("")).toBe("name part must be non-empty");
    expect(labelKeyProblem("/x")).toBe("prefix part must be non-empty");
    expect(labelKeyProblem("x".repeat(64))).toBe("name part must be no more than 63 characters");
    expect(labelKeyProblem("Upper.Case/x")).toMatch(/^prefix part a lowercase RFC 1123 subdomain/);
    expect(labelKeyProblem("bad key")).toMatch(/^name part must consist of alphanumeric characters/);
    expect(labelKeyProblem("-x")).toMatch(/^name part must consist/);
  });
});

describe("labelValueProblem", () => {
  it("accepts empty and qualified values and explains the rest", () => {
    expect(labelValueProblem("")).toBeUndefined();
    expect(labelValueProblem("process-order_1.2")).toBeUndefined();
    expect(labelValueProblem("x".repeat(64))).toBe("must be no more than 63 characters");
    expect(labelValueProblem("has space")).toMatch(
      /^a valid label must be an empty string or consist of alphanumeric characters/,
    );
  });
});
