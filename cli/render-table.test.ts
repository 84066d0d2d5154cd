import { describe, expect, it } from "vitest";
import { renderTable, TableLayout } from "./render-table.ts";

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

describe("TableLayout", () => {
  it("keeps the first part's column widths for later rows, and widens a column only when a cell needs it", () => {
    const layout = new TableLayout(["Name", "Phase", "Age"]);
    expect(layout.render([["greet-abc", "Pending", "1s"]], { headers: true })).toBe(
      "NAME        PHASE     AGE\ngreet-abc   Pending   1s\n",
    );
    // Narrower cells are padded to the remembered widths: the row lines up under the headers.
    expect(layout.render([["x", "Failed", "2s"]], { headers: false })).toBe("x           Failed    2s\n");
    // A wider cell widens its column from then on; the others keep their widths.
    expect(layout.render([["x", "Completed", "3s"]], { headers: false })).toBe("x           Completed   3s\n");
    expect(layout.render([["y", "Pending", "4s"]], { headers: false })).toBe("y           Pending     4s\n");
  });
});
