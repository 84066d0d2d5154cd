// The prebuilt browser app (`npm run build:ui` writes it to ui/dist/), held in memory and served from /assets/;
// every other page path gets index.html, which routes in the browser.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { dirname, extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { UiError } from "./ui-error.ts";

export interface AppAssets {
  readonly dir: string;
  serve(pathname: string, response: ServerResponse): void;
}

const types: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json",
};

/** Where `npm run build:ui` puts the app: ui/dist/ of the package this file belongs to. */
export function defaultAppDir(from = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return join(dir, "ui", "dist");
}

export function loadAppAssets(dir: string): AppAssets {
  if (!existsSync(join(dir, "index.html")))
    throw new UiError("UI_NOT_BUILT", `the web UI is not built in "${dir}"; build it with "npm run build:ui"`);
  const files = new Map<string, Buffer>();
  for (const name of readdirSync(dir)) files.set(name, readFileSync(join(dir, name)));
  const index = files.get("index.html")!;
  return {
    dir,
    serve(pathname, response) {
      const asset = pathname.startsWith("/assets/") ? pathname.slice("/assets/".length) : undefined;
      const body = asset === undefined ? index : files.get(asset);
      if (body === undefined) throw new UiError("UI_NOT_FOUND", `no asset "${pathname}" in "${dir}"`);
      response.writeHead(200, {
        "content-type": types[extname(asset ?? "index.html")] ?? "application/octet-stream",
        "cache-control": asset === undefined ? "no-store" : "no-cache",
        "content-security-policy":
          "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'",
      });
      response.end(body);
    },
  };
}
