// `kontinue build <dir>`: one image per Function file, pushed or written out; prints the Function manifests.
import type { Command } from "commander";
import type { ImagePublisher } from "../builder/index.ts";

interface BuildCommandOptions {
  registry?: string;
  base?: string;
  platform?: string;
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
    .description("build one container image per Function file (no Docker needed) and print the Function manifests")
    .argument("<dir>", "folder of Function files")
    .option("--registry <host[:port]/prefix>", "push images to <registry>/<prefix>/<function-resource-name>")
    .option("--base <image>", "base image: any registry, tag or digest (default: the official Node LTS slim image, see builder/README.md)")
    .option("--platform <list>", "comma-separated platforms of a multi-platform base, e.g. linux/amd64,linux/arm64")
    .option("--insecure-registry", "plain HTTP for the target registry and loopback registries")
    .option("--oci-layout <dir>", "also write the images into an OCI image layout folder")
    .option("--tarball <file>", "also write a tarball that `docker load` takes")
    .option("--docker", "also load the images into the Docker engine (DOCKER_HOST)")
    .option("--dry-run", "build, but push nothing to the registry")
    .option("-o, --output <format>", "manifest format: yaml or json", "yaml")
    .action(async (dir: string, options: BuildCommandOptions) => {
      // Loaded on use: esbuild, dockerode and the registry client stay out of other commands' start-up.
      const [{ BuildError, buildFunctions, DockerEnginePublisher, functionManifest, functionRepository, OciLayoutPublisher, parsePushTarget, RegistryClient, RegistryPublisher, TarballPublisher }, { stringify }] =
        await Promise.all([import("../builder/index.ts"), import("yaml")]);
      if (options.output !== "yaml" && options.output !== "json") {
        throw new BuildError("BUILD_BAD_OPTIONS", `cannot print manifests as "${options.output}": use -o yaml or -o json`);
      }
      const pushes = options.registry !== undefined && options.dryRun !== true;
      if (options.registry === undefined && !options.dryRun && !options.ociLayout && !options.tarball && !options.docker) {
        throw new BuildError("BUILD_BAD_OPTIONS", `cannot build "${dir}": nowhere to put the images; pass --registry <host[:port]/prefix>, --oci-layout, --tarball, --docker or --dry-run`);
      }
      const target = parsePushTarget(options.registry ?? LOCAL_REGISTRY);
      const imageName = (resourceName: string) => `${target.registry}/${functionRepository(target, resourceName)}`;
      const publishers: ImagePublisher[] = [];
      if (pushes) publishers.push(new RegistryPublisher({ client: new RegistryClient({ registry: target.registry, insecure: options.insecureRegistry === true }), target }));
      if (options.ociLayout) publishers.push(new OciLayoutPublisher({ dir: options.ociLayout, imageName }));
      if (options.tarball) publishers.push(new TarballPublisher({ file: options.tarball, imageName }));
      if (options.docker) {
        const { default: Docker } = await import("dockerode");
        publishers.push(new DockerEnginePublisher({ docker: new Docker(), imageName }));
      }
      const built = await buildFunctions({
        dir,
        base: options.base,
        platforms: options.platform?.split(",").map((p) => p.trim()).filter(Boolean),
        target,
        insecureRegistry: options.insecureRegistry === true,
        publishers,
      });
      const manifests = built.map((b) => functionManifest({ functionName: b.source.functionName, resourceName: b.source.resourceName, image: b.reference, settings: b.settings }));
      process.stdout.write(
        options.output === "json"
          ? `${JSON.stringify(manifests.length === 1 ? manifests[0] : { apiVersion: "v1", kind: "List", items: manifests }, null, 2)}\n`
          : manifests.map((m) => stringify(m)).join("---\n"),
      );
    });
}
