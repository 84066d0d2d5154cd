// Writes a Function from a template (`kontinue new`), and lists the templates.
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { toResourceName } from "../crds/index.ts";
import { KontinueError } from "../runtime/index.ts";
import { TEMPLATES, renderTemplate, templateFolder, type Template } from "../templates/index.ts";

export interface ScaffoldOptions {
  /** The function's name (camelCase, e.g. processOrder). */
  name: string | undefined;
  template: string;
  /** Folder written to, relative to `cwd`. */
  dir: string;
  /** Overwrite existing files. */
  force?: boolean;
  /** Default: the process's working directory. */
  cwd?: string;
}

/** `kontinue new --list`: one line per template. */
export function listTemplates(): string {
  const width = Math.max(...TEMPLATES.map((t) => t.name.length));
  return `${TEMPLATES.map((t) => `${t.name.padEnd(width)}  ${t.description}`).join("\n")}\n`;
}

/** A function name is a JavaScript identifier of letters and digits whose resource name is a DNS-1123 label. */
export function checkFunctionName(name: string | undefined): string {
  if (name === undefined || name === "")
    throw new KontinueError(
      "CLI_BAD_FUNCTION_NAME",
      'missing the function\'s name; e.g. "kontinue new processOrder" (templates: "kontinue new --list")',
      { terminal: true },
    );
  if (!/^[a-zA-Z][a-zA-Z0-9]*$/.test(name))
    throw new KontinueError(
      "CLI_BAD_FUNCTION_NAME",
      `cannot use "${name}" as a function name: use letters and digits, starting with a letter (e.g. processOrder)`,
      { terminal: true },
    );
  // The longest name a template derives (the fan-out's child, "<name>Item") must still be a valid resource name.
  const longest = toResourceName(`${name}Item`);
  if (longest.length > 63)
    throw new KontinueError(
      "CLI_BAD_FUNCTION_NAME",
      `cannot use "${name}" as a function name: its resource names (e.g. "${longest}") would be longer than 63 ` +
        "characters; choose a shorter name",
      { terminal: true },
    );
  return name;
}

function findTemplate(name: string): Template {
  const template = TEMPLATES.find((t) => t.name === name);
  if (template === undefined)
    throw new KontinueError(
      "CLI_UNKNOWN_TEMPLATE",
      `there is no template "${name}"; choose one of ${TEMPLATES.map((t) => `"${t.name}"`).join(", ")} ` +
        '("kontinue new --list" describes them)',
      { terminal: true },
    );
  return template;
}

/** Writes the template's files into the folder and returns what to print: the files written and what to run next. */
export async function scaffoldFunction(options: ScaffoldOptions): Promise<string> {
  const functionName = checkFunctionName(options.name);
  const template = findTemplate(options.template);
  const cwd = options.cwd ?? process.cwd();
  const dir = resolve(cwd, options.dir);
  const folder = templateFolder(template);
  const sources = new Map(
    await Promise.all(
      template.files.map(async (file) => [file, await readFile(new URL(file, folder), "utf8")] as const),
    ),
  );
  const files = renderTemplate(
    template,
    { functionName, resourceName: toResourceName(functionName) },
    (file) => sources.get(file)!,
  ).map((file) => ({ ...file, path: join(dir, file.path) }));
  const existing = files.filter((file) => existsSync(file.path)).map((file) => relative(cwd, file.path));
  if (existing.length > 0 && options.force !== true)
    throw new KontinueError(
      "CLI_FILE_EXISTS",
      `cannot write ${existing.map((path) => `"${path}"`).join(", ")}: ` +
        `${existing.length > 1 ? "they exist" : "it exists"} already; choose another name, or pass --force to ` +
        "overwrite it",
      { terminal: true },
    );
  await mkdir(dir, { recursive: true });
  for (const file of files) await writeFile(file.path, file.content);
  const shown = relative(cwd, dir) || ".";
  const manifests = files.filter((file) => file.path.endsWith(".yaml")).map((file) => relative(cwd, file.path));
  return [
    ...files.map((file) => `wrote ${relative(cwd, file.path)} (template "${template.name}")`),
    "next: run it on the embedded cluster, then start an execution from another terminal:",
    `  npx kontinue dev ${shown}`,
    `  npx kontinue execute ${functionName} '${JSON.stringify(template.example)}' --wait`,
    ...manifests.map((path) => `and once the Function is deployed: kubectl apply -f ${path}`),
    "",
  ].join("\n");
}
