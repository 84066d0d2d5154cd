// Lets `import()` load a user's TypeScript Function file from source: tsx's loader, and `kontinue` resolved
// to this package (bin/resolve-kontinue.js). Only commands that run a Function file from source pay for it.
import { register } from "node:module";

export async function registerFunctionSourceLoader(): Promise<void> {
  const { register: registerTsx } = await import("tsx/esm/api");
  register("../bin/resolve-kontinue.js", import.meta.url);
  registerTsx();
}
