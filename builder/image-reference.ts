// Image references ("node:24-bookworm-slim", "127.0.0.1:5000/base@sha256:…") and push targets.
import { BuildError } from "./build-error.ts";

export interface ImageReference {
  /** Registry host[:port] as written ("docker.io" for Docker Hub). */
  registry: string;
  /** Repository path inside the registry ("library/node"). */
  repository: string;
  tag?: string;
  digest?: string;
}

const DOCKER_HUB = "docker.io";

/** Parses a reference the way Docker does: no registry → Docker Hub, single name → `library/`, no tag → latest. */
export function parseImageReference(text: string): ImageReference {
  const match = /^(?<name>[^@]+?)(?::(?<tag>[\w][\w.-]{0,127}))?(?:@(?<digest>sha256:[a-f0-9]{64}))?$/.exec(
    text.trim(),
  );
  const name = match?.groups?.name;
  if (
    !match ||
    !name ||
    !/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::\d+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/i.test(name)
  ) {
    throw new BuildError(
      "BUILD_BAD_REFERENCE",
      `cannot parse image reference "${text}": expected [registry/]repository[:tag][@sha256:digest]; check --base`,
    );
  }
  const slash = name.indexOf("/");
  const first = slash === -1 ? "" : name.slice(0, slash);
  const hasRegistry = first.includes(".") || first.includes(":") || first === "localhost";
  const registry = hasRegistry ? first : DOCKER_HUB;
  let repository = hasRegistry ? name.slice(slash + 1) : name;
  if (registry === DOCKER_HUB && !repository.includes("/")) repository = `library/${repository}`;
  if (repository !== repository.toLowerCase()) {
    throw new BuildError(
      "BUILD_BAD_REFERENCE",
      `cannot parse image reference "${text}": repository "${repository}" must be lower case`,
    );
  }
  const { tag, digest } = match.groups ?? {};
  return {
    registry,
    repository,
    ...(digest ? { digest } : { tag: tag ?? "latest" }),
    ...(digest && tag ? { tag } : {}),
  };
}

/** The host that serves a registry's API (Docker Hub's lives at registry-1.docker.io). */
export function registryApiHost(registry: string): string {
  return registry === DOCKER_HUB ? "registry-1.docker.io" : registry;
}

/** "registry/repository@digest", or with the tag when there is no digest. */
export function formatImageReference(reference: ImageReference): string {
  const base = `${reference.registry}/${reference.repository}`;
  return reference.digest ? `${base}@${reference.digest}` : `${base}:${reference.tag ?? "latest"}`;
}

export interface PushTarget {
  registry: string;
  /** Repository prefix, possibly empty ("acme/functions"). */
  prefix: string;
}

/** Parses `--registry host[:port][/prefix]`. */
export function parsePushTarget(text: string): PushTarget {
  const trimmed = text.trim().replace(/\/+$/, "");
  const slash = trimmed.indexOf("/");
  const registry = slash === -1 ? trimmed : trimmed.slice(0, slash);
  const prefix = slash === -1 ? "" : trimmed.slice(slash + 1);
  if (!/^[a-z0-9.-]+(?::\d+)?$/i.test(registry) || (prefix !== "" && !/^[a-z0-9]+(?:[._/-][a-z0-9]+)*$/.test(prefix))) {
    throw new BuildError(
      "BUILD_BAD_REFERENCE",
      `cannot use registry "${text}": expected host[:port][/prefix] in lower case, e.g. "ghcr.io/acme" or ` +
        `"127.0.0.1:5000/functions"`,
    );
  }
  return { registry, prefix };
}

/** The repository a Function's image goes to: `<prefix>/<resource-name>`. */
export function functionRepository(target: PushTarget, resourceName: string): string {
  return target.prefix ? `${target.prefix}/${resourceName}` : resourceName;
}
