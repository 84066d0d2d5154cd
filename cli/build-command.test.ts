// `kontinue build` as a user runs it: the real CLI process, printing Function manifests.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { nodeBaseImage } from "../test/fixtures/node-base-image.ts";
import { removeTemporaryDirs, temporaryDir } from "../test/fixtures/temporary-dirs.ts";

const repository = fileURLToPath(new URL("..", import.meta.url));
const functions = join(repository, "builder/testdata/functions");
afterAll(removeTemporaryDirs);

async function kontinue(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const cache = await temporaryDir("cli-cache");
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(repository, "bin/kontinue.js"), ...args],
      { cwd: repository, env: { ...process.env, XDG_CACHE_HOME: cache } },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("kontinue build", () => {
  it("--dry-run prints one Function per file with the digest-pinned image and the file's options", async () => {
    const base = await nodeBaseImage();
    const { code, stdout, stderr } = await kontinue(
      "build",
      functions,
      "--registry",
      `${base.registry}/cli`,
      "--base",
      base.reference,
      "--insecure-registry",
      "--dry-run",
    );
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const manifests = stdout
      .split(/^---$/m)
      .map((doc) => parse(doc) as { kind: string; metadata: { name: string }; spec: Record<string, unknown> });
    expect(manifests.map((m) => [m.kind, m.metadata.name])).toEqual([
      ["Function", "hello"],
      ["Function", "process-order"],
    ]);
    expect(manifests[0]!.spec).toMatchObject({
      image: expect.stringMatching(new RegExp(`^${base.registry}/cli/hello@sha256:[a-f0-9]{64}$`)),
      functionName: "hello",
      concurrency: 4,
      scaling: { maxReplicas: 3, targetPendingPerReplica: 2 },
      retry: { maxAttempts: 5 },
      timeoutSeconds: 600,
    });
    const json = await kontinue(
      "build",
      functions,
      "--registry",
      `${base.registry}/cli`,
      "--base",
      base.reference,
      "--insecure-registry",
      "--dry-run",
      "-o",
      "json",
    );
    const list = JSON.parse(json.stdout) as { kind: string; items: Array<{ spec: { image: string } }> };
    expect(list.kind).toBe("List");
    expect(list.items.map((i) => i.spec.image)).toEqual(manifests.map((m) => m.spec.image));
  });

  it("fails with a clear message and exit code 1 when there is nowhere to put the images", async () => {
    const { code, stderr } = await kontinue("build", functions);
    expect(code).toBe(1);
    expect(stderr).toContain(`cannot build "${functions}": nowhere to put the images; pass --registry`);
  });

  it("pushes with --tag and --jobs, printing plain progress lines on stderr when it is not a terminal", {
    timeout: 120_000,
  }, async () => {
    const base = await nodeBaseImage();
    const prefix = `cli-${Date.now().toString(36)}`;
    const { code, stdout, stderr } = await kontinue(
      "build",
      functions,
      "--registry",
      `${base.registry}/${prefix}`,
      "--base",
      base.reference,
      "--insecure-registry",
      "--tag",
      "v1.2.3",
      "--jobs",
      "2",
    );
    expect(code).toBe(0);
    expect(stderr.split("\n").filter(Boolean).sort()).toEqual([
      expect.stringMatching(/^pushed "hello" \([12]\/2\): [\d.]+ KB sent$/),
      expect.stringMatching(/^pushed "processOrder" \([12]\/2\): [\d.]+ KB sent$/),
    ]);
    expect(stderr).not.toContain("\r");
    const image = (parse(stdout.split(/^---$/m)[0]!) as { spec: { image: string } }).spec.image;
    const digest = image.split("@")[1]!;
    const tagged = await fetch(`http://${base.registry}/v2/${prefix}/hello/manifests/v1.2.3`, {
      method: "HEAD",
      headers: { accept: "application/vnd.oci.image.manifest.v1+json" },
    });
    expect(tagged.headers.get("docker-content-digest")).toBe(digest);
  });

  it(
    "rejects a bad --tag, --jobs or --registry-ca, and a --platform the base lacks, naming what it " + "offers",
    async () => {
      const base = await nodeBaseImage();
      const common = [
        functions,
        "--registry",
        `${base.registry}/cli`,
        "--base",
        base.reference,
        "--insecure-registry",
        "--dry-run",
      ];
      const tag = await kontinue("build", ...common, "--tag", "-bad");
      expect(tag.stderr).toContain('cannot tag images "-bad"');
      const jobs = await kontinue("build", ...common, "--jobs", "0");
      expect(jobs.stderr).toContain("cannot use --jobs 0");
      const ca = await kontinue("build", ...common, "--registry-ca", "/nonexistent/ca.pem");
      expect(ca.stderr).toContain('cannot read --registry-ca "/nonexistent/ca.pem"');
      const platform = await kontinue("build", ...common, "--platform", "linux/s390x");
      expect(platform.code).toBe(1);
      expect(platform.stderr).toMatch(/has no image for platform "linux\/s390x"; it offers "linux\/(amd64|arm64)"/);
    },
  );
});
