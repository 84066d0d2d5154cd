// OCI labels naming where an image came from: the git remote and commit of the Function folder.
import { execFile } from "node:child_process";

function git(dir: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile("git", ["-C", dir, ...args], { timeout: 10_000 }, (error, stdout) => resolve(error ? undefined : stdout.trim() || undefined));
  });
}

/** `org.opencontainers.image.source` / `.revision` when `dir` is in a git checkout; nothing otherwise. */
export async function sourceLabels(dir: string): Promise<Record<string, string>> {
  const [source, revision] = await Promise.all([git(dir, ["remote", "get-url", "origin"]), git(dir, ["rev-parse", "HEAD"])]);
  return {
    ...(source ? { "org.opencontainers.image.source": source } : {}),
    ...(revision ? { "org.opencontainers.image.revision": revision } : {}),
  };
}
