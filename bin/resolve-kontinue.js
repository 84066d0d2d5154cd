// Module resolve hook for a Function file run from source (`kontinue worker`): `kontinue` and `kontinue/…`
// always mean this package, through its `exports`, so a folder of Function files runs without an install of
// its own; and TypeScript sources outside node_modules load as ES modules (Function files are ESM), even in a
// folder without a package.json saying "type": "module".
const thisPackage = new URL("../package.json", import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  if (specifier === "kontinue" || specifier.startsWith("kontinue/")) {
    return nextResolve(specifier, { ...context, parentURL: thisPackage });
  }
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
