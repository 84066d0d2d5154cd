// Detects npm packages with native addons among a bundle's inputs: they cannot be bundled into a portable image.
import { readFileSync, existsSync } from "node:fs";
import { join, sep } from "node:path";

const NATIVE_LOADERS = [
  "bindings",
  "node-gyp-build",
  "prebuild-install",
  "@mapbox/node-pre-gyp",
  "node-pre-gyp",
  "nan",
  "node-addon-api",
];

export interface NativePackage {
  name: string;
  dir: string;
  why: string;
}

/** The package that owns `file` when it lives under node_modules: its name and folder. */
export function owningPackage(file: string): { name: string; dir: string } | undefined {
  const marker = `${sep}node_modules${sep}`;
  const at = file.lastIndexOf(marker);
  if (at === -1) return undefined;
  const rest = file.slice(at + marker.length).split(sep);
  const nameParts = rest[0]?.startsWith("@") ? rest.slice(0, 2) : rest.slice(0, 1);
  return { name: nameParts.join("/"), dir: file.slice(0, at + marker.length) + nameParts.join(sep) };
}

/** Why a package folder holds a native addon (binding.gyp, a native loader dependency), or undefined. */
export function nativeAddonReason(dir: string): string | undefined {
  if (existsSync(join(dir, "binding.gyp"))) return "it has a binding.gyp";
  try {
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
      gypfile?: boolean;
      dependencies?: Record<string, string>;
      binary?: unknown;
    };
    if (pkg.gypfile) return 'its package.json sets "gypfile"';
    if (pkg.binary) return 'its package.json has a "binary" (node-pre-gyp) section';
    const loader = NATIVE_LOADERS.find((d) => pkg.dependencies?.[d] !== undefined);
    if (loader) return `it depends on "${loader}" to load a compiled .node file`;
  } catch {
    return undefined;
  }
  return undefined;
}

/** Native packages among bundle inputs (absolute paths), each once. */
export function findNativePackages(inputs: readonly string[]): NativePackage[] {
  const seen = new Map<string, NativePackage | undefined>();
  for (const input of inputs) {
    const pkg = owningPackage(input);
    if (!pkg || seen.has(pkg.dir)) continue;
    const why = input.endsWith(".node") ? `it loads "${input.slice(pkg.dir.length + 1)}"` : nativeAddonReason(pkg.dir);
    seen.set(pkg.dir, why ? { ...pkg, why } : undefined);
  }
  return [...seen.values()].filter((p): p is NativePackage => p !== undefined);
}
