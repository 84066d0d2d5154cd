#!/usr/bin/env node
// Runs the CLI straight from its TypeScript sources (tsx), and resolves a Function
// file's `import "kontinue"` to this package's runtime wherever the file lives.
import { register as registerTsx } from "tsx/esm/api";
import { register } from "node:module";

register("./resolve-kontinue.js", import.meta.url);
registerTsx();
const { main } = await import("../cli/index.ts");
process.exitCode = await main(process.argv.slice(2));
