// Builds the browser app with esbuild into one directory: index.html, app.js, app.css (no CDN, system fonts).
import { build, type Metafile } from "esbuild";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { defaultAppDir } from "./app-assets.ts";

export interface BuildUiAppOptions {
  /** Default: ui/dist/ of this package. */
  outdir?: string;
}

export interface BuiltUiApp {
  outdir: string;
  metafile: Metafile;
  /** The JavaScript index.html loads, gzipped, per output file. */
  initialJavaScript: Array<{ file: string; bytes: number; gzipBytes: number }>;
}

const entry = fileURLToPath(new URL("../app/main.tsx", import.meta.url));

const indexHtml = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kontinue</title>
<link rel="stylesheet" href="/assets/app.css">
<script type="module" src="/assets/app.js"></script>
</head>
<body><div id="app"></div></body>
</html>
`;

export async function buildUiApp(options: BuildUiAppOptions = {}): Promise<BuiltUiApp> {
  const outdir = options.outdir ?? defaultAppDir();
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const workingDir = process.cwd();
  const result = await build({
    absWorkingDir: workingDir,
    entryPoints: { app: entry },
    outdir,
    bundle: true,
    minify: true,
    format: "esm",
    target: "es2022",
    jsx: "automatic",
    jsxImportSource: "preact",
    metafile: true,
    write: true,
    logLevel: "silent",
  });
  writeFileSync(join(outdir, "index.html"), indexHtml);
  const initialJavaScript = Object.entries(result.metafile.outputs)
    .filter(([file, output]) => file.endsWith(".js") && output.entryPoint !== undefined)
    .map(([file, output]) => ({
      file,
      bytes: output.bytes,
      gzipBytes: gzipSync(readFileSync(resolve(workingDir, file))).length,
    }));
  return { outdir, metafile: result.metafile, initialJavaScript };
}
