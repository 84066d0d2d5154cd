// `kontinue build <dir>`: one image per Function file, pushed or written out; prints the Function manifests.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Command } from "commander";
import type { ImagePublisher, RegistryClient } from "../builder/index.ts";

interface BuildCommandOptions {
  registry?: string;
  base?: string;
  platform?: string;
  tag?: string;
  jobs: string;
  registryCa?: string;
  insecureRegistry?: boolean;
  ociLayout?: string;
  tarball?: string;
  docker?: boolean;
  dryRun?: boolean;
  output: string;
}

/** Where images are named when nothing is pushed and no --registry is given. */
const LOCAL_REGISTRY = "kontinue.local";

export function registerBuildCommand(program: Command): void {
  program
    .command("build")
    .argument("<dir>", "folder of Function files")
    .option("--registry <host[:port]/prefix>", "push images to <registry>/<prefix>/<function-resource-name>")
    .option(
      "--base <image>",
      "base image: any registry, tag or digest (default: the official Node LTS slim image, see builder/README.md)",
    )
    .option(
      "--platform <list>",
      'comma-separated platforms, e.g. linux/arm64 or linux/amd64,linux/arm64, or "all" (default: linux/amd64 and ' +
        "linux/arm64 where the base has them)",
    )
    .option("--tag <tag>", "tag written besides latest (default rev-<first 16 hex digits of the image digest>)")
    .option("--jobs <n>", "registry requests in flight at once", "4")
    .option(
      "--registry-ca <file>",
      "PEM CA bundle trusted for registries besides the system's (a private registry's CA)",
    )
    .option("--insecure-registry", "plain HTTP for the target registry and loopback registries")
    .option("--oci-layout <dir>", "also write the images into an OCI image layout folder")
    .option("--tarball <file>", "also write a tarball that `docker load` takes")
    .option("--docker", "also load the images into the Docker engine (DOCKER_HOST)")
    .option("--dry-run", "build, but push nothing to the registry")
    .option("-o, --output <format>", "manifest format: yaml or json", "yaml")
    .action(async (dir: string, options: BuildCommandOptions) => {
      // Loaded on use: esbuild, dockerode and the registry client stay out of other commands' start-up.
      const [builder, { stringify }] = await Promise.all([import("../builder/index.ts"), import("yaml")]);
      const { BuildError, functionManifest, functionRepository, parsePushTarget } = builder;
      if (options.output !== "yaml" && options.output !== "json") {
        throw new BuildError(
          "BUILD_BAD_OPTIONS",
          `cannot print manifests as "${options.output}": use -o yaml or -o json`,
        );
      }
      const pushes = options.registry !== undefined && options.dryRun !== true;
      if (
        options.registry === undefined &&
        !options.dryRun &&
        !options.ociLayout &&
        !options.tarball &&
        !options.docker
      ) {
        throw new BuildError(
          "BUILD_BAD_OPTIONS",
          `cannot build "${dir}": nowhere to put the images; pass --registry <host[:port]/prefix>, --oci-layout, ` +
            `--tarball, --docker or --dry-run`,
        );
      }
      const tag = options.tag === undefined ? undefined : builder.checkTag(options.tag);
      const jobs = Number(options.jobs);
      const limit = builder.limitConcurrency(jobs);
      const caFile = options.registryCa;
      const ca =
        caFile === undefined
          ? undefined
          : await readFile(caFile, "utf8").catch((error: Error) => {
              throw new BuildError(
                "BUILD_BAD_OPTIONS",
                `cannot read --registry-ca "${caFile}": ${error.message}; pass a PEM file of CA certificates`,
                { cause: error },
              );
            });
      const dispatcher = builder.registryDispatcher({ ca });
      const target = parsePushTarget(options.registry ?? LOCAL_REGISTRY);
      const insecure = (registry: string) =>
        options.insecureRegistry === true && (registry === target.registry || builder.isLoopbackRegistry(registry));
      const clients = new Map<string, RegistryClient>();
      const registryClient = (registry: string): RegistryClient => {
        let client = clients.get(registry);
        if (!client)
          clients.set(
            registry,
            (client = new builder.RegistryClient({ registry, insecure: insecure(registry), dispatcher, limit })),
          );
        return client;
      };
      const imageName = (resourceName: string) => `${target.registry}/${functionRepository(target, resourceName)}`;
      const cache = new builder.BuildCache();
      const publishers: ImagePublisher[] = [];
      let progress: InstanceType<typeof builder.PushProgressPrinter> | undefined;
      if (pushes) {
        const locations = await builder.BlobLocations.load(join(cache.dir, "blob-locations.json"));
        const total = (await builder.discoverFunctions(dir)).length;
        progress = new builder.PushProgressPrinter({
          write: (text) => void process.stderr.write(text),
          interactive: process.stderr.isTTY === true,
          total,
        });
        publishers.push(
          new builder.RegistryPublisher({ client: registryClient(target.registry), target, tag, locations, progress }),
        );
      }
      if (options.ociLayout) publishers.push(new builder.OciLayoutPublisher({ dir: options.ociLayout, imageName }));
      if (options.tarball) publishers.push(new builder.TarballPublisher({ file: options.tarball, imageName, tag }));
      if (options.docker) publishers.push(new builder.DockerEnginePublisher({ imageName, tag }));
      const built = await builder.buildFunctions({
        dir,
        base: options.base,
        platforms: options.platform
          ?.split(",")
          .map((p) => p.trim())
          .filter(Boolean),
        target,
        publishers,
        cache,
        registryClient,
      });
      progress?.finish();
      const manifests = built.map((b) =>
        functionManifest({
          functionName: b.source.functionName,
          resourceName: b.source.resourceName,
          image: b.reference,
          settings: b.settings,
        }),
      );
      process.stdout.write(
        options.output === "json"
          ? `${JSON.stringify(manifests.length === 1 ? manifests[0] : listOf(manifests), null, 2)}\n`
          : manifests.map((m) => stringify(m)).join("---\n"),
      );
    });
}

/** A kubectl-style `v1 List` of objects, as `-o json` prints several. */
function listOf(items: unknown[]): { apiVersion: "v1"; kind: "List"; items: unknown[] } {
  return { apiVersion: "v1", kind: "List", items };
}
