// Legacy discovery documents: /version, /api, /api/v1, /apis, /apis/{g}, /apis/{g}/{v}.
import type { ResourceCatalogue, ResourceInfo } from "../registry/index.ts";

const subresourceVerbs = ["get", "patch", "update"];

export function versionInfo(): Record<string, string> {
  return {
    major: "1",
    minor: "32",
    gitVersion: "v1.32.0-kontinue",
    gitCommit: "0000000000000000000000000000000000000000",
    gitTreeState: "clean",
    buildDate: "2026-01-01T00:00:00Z",
    goVersion: "go1.23.0",
    compiler: "gc",
    platform: "linux/amd64",
  };
}

export function coreVersions(serverAddress: string): object {
  return {
    kind: "APIVersions",
    versions: ["v1"],
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }],
  };
}

function apiGroup(group: string, versions: string[]): object {
  const entries = versions.map((version) => ({ groupVersion: `${group}/${version}`, version }));
  return { name: group, versions: entries, preferredVersion: entries[0] };
}

export function groupList(catalogue: ResourceCatalogue): object {
  return {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: catalogue.groups().map(({ group, versions }) => apiGroup(group, versions)),
  };
}

/** The APIGroup document, or undefined when the group is not served. */
export function groupDocument(catalogue: ResourceCatalogue, group: string): object | undefined {
  const found = catalogue.groups().find((entry) => entry.group === group);
  return found && { kind: "APIGroup", apiVersion: "v1", ...apiGroup(found.group, found.versions) };
}

function apiResources(info: ResourceInfo): object[] {
  const main = {
    name: info.plural,
    singularName: info.singular,
    namespaced: info.namespaced,
    kind: info.kind,
    verbs: info.verbs,
    ...(info.shortNames.length > 0 ? { shortNames: info.shortNames } : {}),
    ...(info.categories.length > 0 ? { categories: info.categories } : {}),
  };
  return [
    main,
    ...(info.subresources.status
      ? [
          {
            name: `${info.plural}/status`,
            singularName: "",
            namespaced: info.namespaced,
            kind: info.kind,
            verbs: subresourceVerbs,
          },
        ]
      : []),
    ...(info.subresources.scale
      ? [
          {
            name: `${info.plural}/scale`,
            singularName: "",
            namespaced: info.namespaced,
            group: "autoscaling",
            version: "v1",
            kind: "Scale",
            verbs: subresourceVerbs,
          },
        ]
      : []),
  ];
}

/** The APIResourceList of a group-version (main resources before their subresources), or undefined. */
export function resourceList(catalogue: ResourceCatalogue, group: string, version: string): object | undefined {
  const resources = catalogue.resourcesOf(group, version);
  if (resources.length === 0) return undefined;
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: group ? `${group}/${version}` : version,
    resources: resources.flatMap(apiResources),
  };
}
