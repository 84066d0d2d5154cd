// The esbuild options every bundle in an image shares: minified ESM for the base image's Node, with
// linked source maps and the metafile the incremental cache reads. Function names survive minification
// (keepNames): `ctx.store(fetchUser)` and `ctx.poll(isShipped, …)` name their journal steps by them.
import type { BuildOptions } from "esbuild";

/** A `require` for CommonJS dependencies inside an ESM bundle. */
const REQUIRE_SHIM =
  'import{createRequire as __kontinueRequire}from"node:module";const require=__kontinueRequire(import.meta.url);';

export function nodeBundleOptions(nodeMajor: number) {
  return {
    bundle: true,
    platform: "node",
    format: "esm",
    target: `node${nodeMajor}`,
    minify: true,
    keepNames: true,
    sourcemap: "linked",
    banner: { js: REQUIRE_SHIM },
    legalComments: "none",
    metafile: true,
    write: false,
    logLevel: "silent",
  } as const satisfies BuildOptions;
}
