// The `kontinue` command line.
export { createProgram, main } from "./program.ts";
