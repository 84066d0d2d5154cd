// Which registries the node pulls from over plain HTTP: loopback always (as a local kind registry),
// plus those named with `--insecure-registry`.
import { RegistryClient } from "../../builder/index.ts";

export function isInsecureRegistry(registry: string, insecureRegistries: readonly string[]): boolean {
  const host = registry.replace(/:\d+$/, "").replace(/^\[|\]$/g, "");
  return host === "localhost" || host === "::1" || /^127\./.test(host) || insecureRegistries.includes(registry);
}

export function registryClientFor(registry: string, insecureRegistries: readonly string[]): RegistryClient {
  return new RegistryClient({ registry, insecure: isInsecureRegistry(registry, insecureRegistries) });
}
