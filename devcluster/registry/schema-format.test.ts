import { describe, expect, it } from "vitest";
import { matchesFormat } from "./schema-format.ts";

describe("matchesFormat", () => {
  it("checks the string formats kube-apiserver checks", () => {
    const cases: [string, string, boolean][] = [
      ["date-time", "2026-01-02T03:04:05Z", true],
      ["date-time", "2026-01-02T03:04:05.123+02:00", true],
      ["date-time", "2026-13-02T03:04:05Z", false],
      ["date-time", "tomorrow", false],
      ["date-time", "2026-01-02 03:04:05Z", false],
      ["date-time", "2026-01-02T03:04:05", false],
      ["date-time", "2026-01-02t03:04:05z", true],
      ["date-time", "2026-01-02T25:04:05Z", false],
      ["date", "2026-01-02", true],
      ["date", "2026-1-2", false],
      ["uuid", "5e0dcd05-0037-4197-b906-9a9e2315a3df", true],
      ["uuid", "nope", false],
      ["ipv4", "10.0.0.1", true],
      ["ipv4", "10.0.0.256", false],
      ["ipv6", "::1", true],
      ["cidr", "10.0.0.0/8", true],
      ["cidr", "10.0.0.0/33", false],
      ["hostname", "example.com", true],
      ["hostname", "-bad", false],
      ["email", "a@b.c", true],
      ["email", "a.b.c", false],
      ["mac", "00:1a:2b:3c:4d:5e", true],
      ["byte", "aGVsbG8=", true],
      ["byte", "not base64!", false],
      ["uri", "https://example.com/x", true],
      ["uri", "not a uri", false],
      ["duration", "1h30m", true],
      ["duration", "soon", false],
      ["int32", "anything", true],
      ["password", "anything", true],
    ];
    for (const [format, value, expected] of cases)
      expect(matchesFormat(format, value), `${format} ${value}`).toBe(expected);
  });
});
