// Turns esbuild's diagnostics into BuildErrors that name the file and line.
import { relative, resolve } from "node:path";
import type { Message } from "esbuild";
import { BuildError } from "./build-error.ts";
import type { FunctionSource } from "./discover-functions.ts";

/** The first error of a failed bundle, classified, with the others appended. */
export function bundleFailure(source: FunctionSource, errors: readonly Message[], cwd: string): BuildError {
  const lines = errors.map((m) => formatMessage(m, cwd));
  const first = errors[0];
  const name = relative(cwd, source.file) || source.file;
  if (first && /No matching export in .* for import "default"/.test(first.text)) {
    return new BuildError(
      "BUILD_NO_DEFAULT_EXPORT",
      `${name}: the Function file has no default export; add "export default defineFunction({ run(ctx, args) { … } })"`,
      { file: source.file },
    );
  }
  const location = first?.location;
  const hint =
    first && /Could not resolve/.test(first.text)
      ? `; install the package next to the Function files (npm install) or fix the path`
      : "";
  return new BuildError(
    "BUILD_BUNDLE_FAILED",
    `cannot bundle Function "${source.functionName}":\n    ${lines.join("\n    ")}${hint}`,
    {
      file: location?.file ? resolve(cwd, location.file) : source.file,
      ...(location ? { line: location.line } : {}),
    },
  );
}

function formatMessage(message: Message, cwd: string): string {
  const location = message.location;
  if (!location) return message.text;
  const file = location.file.startsWith("/") ? relative(cwd, location.file) : location.file;
  const line = location.lineText ? `\n      ${location.lineText.trim()}` : "";
  return `${file}:${location.line}:${location.column + 1}: ${message.text}${line}`;
}
