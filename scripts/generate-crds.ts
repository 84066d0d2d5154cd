// Writes crds/*.yaml from the schemas in crds/*.ts: `npm run crds:generate`.
import { writeFile } from "node:fs/promises";
import { renderCrdFiles } from "../crds/render-crd-files.ts";

for (const [name, text] of renderCrdFiles()) {
  await writeFile(new URL(`../crds/${name}`, import.meta.url), text);
  console.log(`wrote crds/${name}`);
}
