// The builder with the real Docker engine: the tarball output loads with `docker load`, `--docker`
// loads through the engine API (both give references the engine resolves), and the built image's
// worker — run by `docker run --network host` with a mounted kubeconfig — completes a Pending Execution
// on devcluster, its journal naming steps by the source's function names (they survive minification).
import { chmod, copyFile, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DockerEnginePublisher, TarballPublisher } from "../../builder/index.ts";
import { dockerFixture, registryFixture, type DockerFixture } from "../fixtures/services.ts";
import { createExecution, testCluster, waitFinished } from "../runtime/runtime-harness.ts";
import { removeTemporaryDirs, temporaryDir } from "../fixtures/temporary-dirs.ts";
import { copyFunctions, e2eBuild, uniquePrefix } from "./build-helpers.ts";

let engine: DockerFixture;
let registry: string;
let cacheDir: string;
const containers: string[] = [];

beforeAll(async () => {
  engine = await dockerFixture();
  registry = (await registryFixture()).registry;
  cacheDir = await temporaryDir("cache");
});

afterAll(async () => {
  for (const id of containers)
    await engine.docker
      .getContainer(id)
      .remove({ force: true })
      .catch(() => undefined);
  for (const image of await engine.docker.listImages()) {
    if (
      image.RepoTags?.some((tag) => /\/e2e-(tarball|docker|worker)-/.test(tag)) ||
      image.RepoDigests?.some((d) => /\/e2e-worker-/.test(d))
    ) {
      await engine.docker
        .getImage(image.Id)
        .remove({ force: true })
        .catch(() => undefined);
    }
  }
  await removeTemporaryDirs();
});

describe("kontinue build with a Docker engine", () => {
  it("writes a tarball that docker load takes", async () => {
    const dir = await copyFunctions();
    const prefix = uniquePrefix("tarball");
    const file = join(dir, "images.tar");
    const { built } = await e2eBuild({
      dir,
      registry,
      prefix,
      cacheDir,
      push: "dry-run",
      publishers: [new TarballPublisher({ file, imageName: (name) => `${registry}/${prefix}/${name}` })],
    });
    const stream = await engine.docker.loadImage((await readFile(file)) as unknown as NodeJS.ReadableStream);
    const output = await new Promise<string>((resolve, reject) => {
      let text = "";
      stream.on("data", (chunk: Buffer) => (text += chunk.toString()));
      stream.on("end", () => resolve(text));
      stream.on("error", reject);
    });
    expect(output).not.toContain("error");
    const digest = built[0]!.image.root.descriptor.digest;
    expect(built[0]!.reference).toBe(`${registry}/${prefix}/hello:rev-${digest.slice(7, 23)}`);
    const image = await engine.docker.getImage(built[0]!.reference).inspect();
    expect((await engine.docker.getImage(`${registry}/${prefix}/hello:latest`).inspect()).Id).toBe(image.Id);
    expect(image.Config.User).toBe("65532");
    expect(image.Config.WorkingDir).toBe("/app");
    expect(image.Config.Entrypoint).toEqual(["/usr/local/bin/node", "--enable-source-maps", "/app/index.mjs"]);
    expect(image.Config.Labels["cloud.kontinue.function"]).toBe("hello");
    await engine.docker.getImage(`${registry}/${prefix}/process-order:latest`).inspect();
  });

  it("loads with --docker through the engine API", async () => {
    const dir = await copyFunctions();
    const prefix = uniquePrefix("docker");
    const publisher = new DockerEnginePublisher({
      docker: engine.docker,
      imageName: (name) => `${registry}/${prefix}/${name}`,
    });
    const { built } = await e2eBuild({ dir, registry, prefix, cacheDir, push: "dry-run", publishers: [publisher] });
    expect(built[1]!.reference).toMatch(new RegExp(`^${registry}/${prefix}/process-order:rev-[a-f0-9]{16}$`));
    const image = await engine.docker.getImage(built[1]!.reference).inspect();
    expect(image.Config.Env).toContain("KONTINUE_FUNCTION=processOrder");
  });

  it("pulls the pushed image; its worker, run with --network host, completes a Pending Execution on devcluster", {
    timeout: 180_000,
  }, async () => {
    const dir = await copyFunctions();
    await writeFile(
      join(dir, "failing.ts"),
      'import { defineFunction } from "kontinue";\n\nexport default defineFunction({\n  retry: { maxAttempts: 1 },\n ' +
        ' async run() {\n    throw new Error("failing on purpose");\n  },\n});\n',
    );
    await writeFile(
      join(dir, "named.ts"),
      [
        'import { defineFunction } from "kontinue";',
        "",
        "async function fetchGreeting(): Promise<string> {",
        '  return "named";',
        "}",
        "const isGreetingReady = async (): Promise<boolean> => true;",
        "",
        "export default defineFunction({",
        "  async run(ctx) {",
        "    const greeting = await ctx.store(fetchGreeting);",
        '    await ctx.poll(isGreetingReady, { every: "1s", timeout: "1m" });',
        "    return { greeting };",
        "  },",
        "});",
        "",
      ].join("\n"),
    );
    const prefix = uniquePrefix("worker");
    const { built } = await e2eBuild({ dir, registry, prefix, cacheDir });
    const cluster = await testCluster("docker-worker");
    const kubeconfig = join(await temporaryDir("kube"), "config");
    await copyFile(cluster.kubeconfigPath, kubeconfig);
    await chmod(kubeconfig, 0o644);
    const run = async (functionName: string) => {
      const reference = built.find((b) => b.source.functionName === functionName)!.reference;
      await pull(reference);
      const container = await engine.docker.createContainer({
        Image: reference,
        Env: ["KUBECONFIG=/kube/config", `KONTINUE_NAMESPACE=${cluster.namespace}`, `POD_NAME=docker-${functionName}`],
        HostConfig: { NetworkMode: "host", Binds: [`${kubeconfig}:/kube/config:ro`] },
      });
      containers.push(container.id);
      await container.start();
      return container;
    };
    const hello = await run("hello");
    const failing = await run("failing");
    const named = await run("named");
    await createExecution(cluster, "hello-docker", "hello", { name: "docker" });
    await createExecution(cluster, "failing-docker", "failing", null);
    await createExecution(cluster, "named-docker", "named", null);
    const finished = async (name: string, container: Awaited<ReturnType<typeof run>>) => {
      try {
        return await waitFinished(cluster, name, 90_000);
      } catch (error) {
        const logs = (await container.logs({ stdout: true, stderr: true })).toString();
        throw new Error(`${(error as Error).message}\ncontainer logs:\n${logs}`);
      }
    };
    const done = await finished("hello-docker", hello);
    expect(done.status?.phase).toBe("Completed");
    expect(done.status?.result).toEqual({ text: "hello, docker" });
    const failed = await finished("failing-docker", failing);
    expect(failed.status?.phase).toBe("Failed");
    expect(failed.status?.error?.message).toContain("failing on purpose");
    expect(failed.status?.error?.stack).toMatch(/\/app\/failing\.ts:6:\d+/);
    const namedDone = await finished("named-docker", named);
    expect(namedDone.status?.phase).toBe("Completed");
    expect(namedDone.status?.result).toEqual({ greeting: "named" });
    const steps =
      (namedDone.status?.state as { steps?: Array<{ name: string; kind: string }> } | undefined)?.steps ?? [];
    expect(steps.map((step) => [step.kind, step.name])).toEqual([
      ["store", "fetchGreeting"],
      ["poll", "isGreetingReady"],
    ]);
    await hello.stop({ t: 10 });
    expect((await hello.inspect()).State.ExitCode).toBe(0);
  });
});

async function pull(reference: string): Promise<void> {
  const stream = await engine.docker.pull(reference);
  await new Promise<void>((resolve, reject) =>
    engine.docker.modem.followProgress(stream, (error: Error | null) => (error ? reject(error) : resolve())),
  );
}
