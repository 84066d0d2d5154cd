// Module resolve hook: `kontinue` (and `kontinue/...`) always means this package,
// so a folder of Function files runs without an install of its own.
const runtimeEntry = new URL("../runtime/index.ts", import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  if (specifier === "kontinue") return { url: runtimeEntry, shortCircuit: true };
  return nextResolve(specifier, context);
}
