import { describe, expect, it } from "vitest";
import { parseJsonArgument } from "./json-argument.ts";

describe("parseJsonArgument", () => {
  it("parses JSON", () => {
    expect(parseJsonArgument("arguments", '{"a":[1,2]}')).toEqual({ a: [1, 2] });
  });

  it("says where the text stops being JSON, by line and column", () => {
    expect(() => parseJsonArgument("arguments", '{"a": 1,\n  b: 2}')).toThrow(
      expect.objectContaining({
        code: "CLI_BAD_ARGUMENTS",
        message: expect.stringMatching(/the arguments ".*" are not JSON: .*position 11 \(line 2, column 3\); quote/s),
      }),
    );
  });

  it("names the file the text came from, and an empty text as empty", () => {
    expect(() => parseJsonArgument("payload", "  ", "payload.json")).toThrow(
      'the payload in "payload.json" is not JSON: it is empty; fix the file, or pass the payload on the command line',
    );
  });
});
