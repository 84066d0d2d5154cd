// What `kontinue new` can scaffold: each template is a folder of real Function files (they typecheck and run in the
// tests) around one sample function whose name is replaced by the user's.

export interface Template {
  /** What `--template` takes. */
  name: string;
  /** One line for `kontinue new --list`. */
  description: string;
  /** The sample function the template's files are written around; its name is replaced by the user's. */
  functionName: string;
  /** Its resource name (DNS-1123), as manifests spell it. */
  resourceName: string;
  /** Arguments to try it with (printed by `kontinue new`, used by the tests). */
  example: Record<string, unknown>;
  /** The template's files, relative to its folder: the sample function's file first. */
  files: readonly string[];
}

export const TEMPLATES: readonly Template[] = [
  {
    name: "basic",
    description: "one durable step (ctx.store) and a result",
    functionName: "sayHello",
    example: { name: "Ada" },
    resourceName: "say-hello",
    files: ["sayHello.ts"],
  },
  {
    name: "sleep",
    description: "a durable timer: ctx.sleep parks the execution and resumes it later",
    functionName: "sendReminder",
    example: { to: "ada@example.com", delay: "5s" },
    resourceName: "send-reminder",
    files: ["sendReminder.ts"],
  },
  {
    name: "fanout",
    description: "one child execution per item with ctx.execute and Promise.all, plus the child Function",
    functionName: "processBatch",
    example: { items: [1, 2, 3] },
    resourceName: "process-batch",
    files: ["processBatch.ts", "processBatchItem.ts"],
  },
  {
    name: "poll",
    description: "ctx.poll re-checks a condition (a URL answering) until it holds or times out",
    functionName: "waitForUrl",
    example: { url: "https://example.com/", every: "5s", timeout: "5m" },
    resourceName: "wait-for-url",
    files: ["waitForUrl.ts"],
  },
  {
    name: "signal",
    description: "waits for a signal (an approval) sent with kontinue signal",
    functionName: "approveRequest",
    example: { request: "deploy v2" },
    resourceName: "approve-request",
    files: ["approveRequest.ts"],
  },
  {
    name: "scheduled",
    description: "a Function plus a ScheduledExecution manifest that starts it on a cron schedule",
    functionName: "nightlyReport",
    example: { report: "nightly" },
    resourceName: "nightly-report",
    files: ["nightlyReport.ts", "nightlyReport.schedule.yaml"],
  },
];

export const DEFAULT_TEMPLATE = "basic";

/** The folder holding a template's files. */
export function templateFolder(template: Template): URL {
  return new URL(`./${template.name}/`, import.meta.url);
}

export interface RenderedFile {
  /** File name, the sample function's name replaced. */
  path: string;
  content: string;
}

/**
 * A template's files for function `functionName`: file names and every word starting with the sample function's
 * name (or its resource name) take the user's (`processBatchItem` → `resizeImagesItem`, `nightly-report` →
 * `daily-report`).
 */
export function renderTemplate(
  template: Template,
  target: { functionName: string; resourceName: string },
  read: (file: string) => string,
): RenderedFile[] {
  const rename = (text: string): string =>
    text
      .replace(new RegExp(`\\b${template.resourceName}\\b`, "g"), target.resourceName)
      .replace(new RegExp(`\\b${template.functionName}`, "g"), target.functionName);
  return template.files.map((file) => ({ path: rename(file), content: rename(read(file)) }));
}
