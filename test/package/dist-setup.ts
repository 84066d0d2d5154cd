// vitest globalSetup: builds dist/ (the bundles `bin/kontinue.js` runs) before any test, so tests that spawn
// the CLI never run a stale build. esbuild only; the package test emits the types itself.
import { buildDist } from "../../scripts/build-dist.ts";

export default async function setup(): Promise<void> {
  await buildDist({ emit: "js" });
}
