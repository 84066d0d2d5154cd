import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { toResourceName } from "../crds/index.ts";
import { DEFAULT_TEMPLATE, TEMPLATES, renderTemplate, templateFolder } from "./index.ts";

describe("the template catalogue", () => {
  it("has the templates the issue asks for, the default among them", () => {
    expect(TEMPLATES.map((t) => t.name)).toEqual(["basic", "sleep", "fanout", "poll", "signal", "scheduled"]);
    expect(TEMPLATES.some((t) => t.name === DEFAULT_TEMPLATE)).toBe(true);
  });

  it.each(TEMPLATES.map((t) => [t.name, t] as const))("%s: its files exist, the sample function's first", (_, t) => {
    expect(t.files[0]).toBe(`${t.functionName}.ts`);
    expect(t.resourceName).toBe(toResourceName(t.functionName));
    for (const file of t.files) expect(existsSync(new URL(file, templateFolder(t))), file).toBe(true);
    const source = readFileSync(new URL(t.files[0]!, templateFolder(t)), "utf8");
    expect(source).toContain('from "kontinue"');
    expect(source).toContain("export default defineFunction(");
  });

  it("renames files, identifiers and resource names that start with the sample function's name", () => {
    const fanout = TEMPLATES.find((t) => t.name === "fanout")!;
    const files = renderTemplate(fanout, { functionName: "resizeImages", resourceName: "resize-images" }, (file) =>
      readFileSync(new URL(file, templateFolder(fanout)), "utf8"),
    );
    expect(files.map((f) => f.path)).toEqual(["resizeImages.ts", "resizeImagesItem.ts"]);
    expect(files[0]!.content).toContain('ctx.execute<typeof resizeImagesItem>("resizeImagesItem"');
    expect(files[0]!.content).toContain('import type resizeImagesItem from "./resizeImagesItem.ts"');
    expect(files.map((f) => f.content).join("\n")).not.toContain("processBatch");

    const scheduled = TEMPLATES.find((t) => t.name === "scheduled")!;
    const [, manifest] = renderTemplate(
      scheduled,
      { functionName: "dailyReport", resourceName: "daily-report" },
      (file) => readFileSync(new URL(file, templateFolder(scheduled)), "utf8"),
    );
    expect(manifest!.path).toBe("dailyReport.schedule.yaml");
    expect(manifest!.content).toContain("name: daily-report\n");
    expect(manifest!.content).toContain("function: dailyReport\n");
  });
});
