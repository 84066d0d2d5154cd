import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildUiApp } from "./build-ui-app.ts";

describe("buildUiApp", () => {
  const outdir = mkdtempSync(join(tmpdir(), "kontinue-ui-build-"));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it("keeps the initial JavaScript at or under 40 KB gzipped, by esbuild's metafile", async () => {
    const built = await buildUiApp({ outdir });
    expect(built.initialJavaScript.map((file) => file.file)).toEqual([expect.stringMatching(/app\.js$/)]);
    const total = built.initialJavaScript.reduce((sum, file) => sum + file.gzipBytes, 0);
    expect(total).toBeGreaterThan(1_000);
    expect(total).toBeLessThanOrEqual(40 * 1024);
    const inputs = Object.keys(built.metafile.inputs);
    expect(inputs.some((input) => input.includes("node_modules/preact/"))).toBe(true);
    expect(inputs.some((input) => input.includes("@kubernetes") || input.includes("node_modules/yaml/"))).toBe(false);
  });

  it("writes an index.html that loads only local assets (no CDN) and uses system fonts", () => {
    const html = readFileSync(join(outdir, "index.html"), "utf8");
    expect(html).not.toMatch(/https?:\/\//);
    expect(readFileSync(join(outdir, "app.css"), "utf8")).toMatch(/font-family:system-ui/);
    expect(readFileSync(join(outdir, "app.css"), "utf8")).not.toMatch(/@import|url\(http/);
  });
});
