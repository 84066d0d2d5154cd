#!/usr/bin/env node
// Runs the CLI from the built package (dist/, `npm run build`): plain Node, no TypeScript loader.
import { main } from "../dist/cli/index.js";

process.exitCode = await main(process.argv.slice(2));
