import { describe, expect, it } from "vitest";
import { PushProgressPrinter } from "./push-progress-printer.ts";

describe("PushProgressPrinter", () => {
  it("prints plain lines per Function (and per large blob) when stderr is not a terminal", () => {
    const lines: string[] = [];
    const printer = new PushProgressPrinter({ write: (t) => void lines.push(t), interactive: false, total: 2 });
    printer.sent("hello", 1200);
    printer.done("hello", 1200);
    printer.sent("processOrder", 3 * 1024 * 1024);
    printer.done("processOrder", 3 * 1024 * 1024);
    printer.finish();
    expect(lines).toEqual([
      'pushed "hello" (1/2): 1.2 KB sent\n',
      'pushing "processOrder": 3.0 MB sent\n',
      'pushed "processOrder" (2/2): 3.0 MB sent\n',
    ]);
    expect(lines.join("")).not.toContain("\r");
  });

  it("rewrites one status line on a terminal and ends it", () => {
    let out = "";
    const printer = new PushProgressPrinter({ write: (t) => void (out += t), interactive: true, total: 1 });
    printer.sent("hello", 2048);
    printer.done("hello", 2048);
    printer.finish();
    expect(out.split("\r\x1b[K").filter(Boolean)).toEqual([
      'pushing 0/1 Functions, 2.0 KB sent (last: "hello")',
      'pushing 1/1 Functions, 2.0 KB sent (last: "hello")',
      "pushed 1/1 Functions, 2.0 KB sent\n",
    ]);
  });
});
