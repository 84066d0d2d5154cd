// Module resolve hook: `kontinue` always means this package, so a folder of Function files runs
// without an install of its own; and TypeScript sources outside node_modules load as ES modules
// (Function files are ESM), even in a folder without a package.json saying "type": "module".
const runtimeEntry = new URL("../runtime/index.ts", import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  if (specifier === "kontinue") return { url: runtimeEntry, format: "module", shortCircuit: true };
  const resolved = await nextResolve(specifier, context);
  if (
    /\.m?tsx?$/.test(new URL(resolved.url).pathname) &&
    !resolved.url.includes("/node_modules/") &&
    resolved.format !== "module"
  ) {
    return { ...resolved, format: "module" };
  }
  return resolved;
}
