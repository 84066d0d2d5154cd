import { describe, expect, it } from "vitest";
import { renderTable } from "./render-table.ts";

describe("renderTable", () => {
  it("lays out columns as kubectl does: upper-case headers, padded, three spaces apart, no trailing blanks", () => {
    const text = renderTable(
      ["Name", "Phase", "Age"],
      [
        ["greet-abc", "Completed", "5s"],
        ["x", "Pending", "12m"],
      ],
    );
    expect(text).toBe("NAME        PHASE       AGE\ngreet-abc   Completed   5s\nx           Pending     12m\n");
    expect(renderTable(["Name", "Phase"], [["x", "Pending"]], { headers: false })).toBe("x   Pending\n");
  });
});
