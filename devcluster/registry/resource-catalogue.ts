// The resources devcluster serves right now: the built-in kinds plus every Established CRD's versions.
import { builtinResources, resourceInfoFromCrd } from "./resource-info.ts";
import type { KubeObject, ResourceInfo } from "./resource-info.ts";

/** The version-independent storage name of a resource: `<group or "core">/<plural>`. */
export function storageResource(info: { group: string; plural: string }): string {
  return `${info.group || "core"}/${info.plural}`;
}

export function groupVersionOf(info: { group: string; version: string }): string {
  return info.group ? `${info.group}/${info.version}` : info.version;
}

/** kube's version priority: GA before beta before alpha, higher numbers first, others last alphabetically. */
export function compareVersions(a: string, b: string): number {
  const rank = (version: string): [number, number, number, string] => {
    const match = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(version);
    if (!match) return [3, 0, 0, version];
    const stage = match[2] === undefined ? 0 : match[2] === "beta" ? 1 : 2;
    return [stage, -Number(match[1]), -Number(match[3] ?? 0), version];
  };
  const [x, y] = [rank(a), rank(b)];
  for (let index = 0; index < 3; index++) if (x[index] !== y[index]) return (x[index] as number) - (y[index] as number);
  return x[3].localeCompare(y[3]);
}

export interface ApiGroupVersions {
  group: string;
  /** Served versions, preferred first. */
  versions: string[];
}

export class ResourceCatalogue {
  #all: readonly ResourceInfo[] = builtinResources;
  #byPath = ResourceCatalogue.#index(builtinResources);

  static #index(infos: readonly ResourceInfo[]): Map<string, ResourceInfo> {
    return new Map(infos.map((info) => [`${info.group}/${info.version}/${info.plural}`, info]));
  }

  /** Replaces the custom resources with those of the given CRDs. */
  setCustomResourceDefinitions(crds: readonly KubeObject[]): void {
    this.#all = [...builtinResources, ...crds.flatMap((crd) => resourceInfoFromCrd(crd))];
    this.#byPath = ResourceCatalogue.#index(this.#all);
  }

  get all(): readonly ResourceInfo[] {
    return this.#all;
  }

  find(group: string, version: string, plural: string): ResourceInfo | undefined {
    return this.#byPath.get(`${group}/${version}/${plural}`);
  }

  /** The info of the built-in or custom kind whose storage resource is `resource`, any served version. */
  findByStorage(resource: string): ResourceInfo | undefined {
    return this.all.find((info) => storageResource(info) === resource);
  }

  resourcesOf(group: string, version: string): ResourceInfo[] {
    return this.all.filter((info) => info.group === group && info.version === version);
  }

  /** The resources of `v1`, `apps/v1`, …  */
  resourcesOfGroupVersion(groupVersion: string): ResourceInfo[] {
    return this.all.filter((info) => groupVersionOf(info) === groupVersion);
  }

  /** Named API groups (not the core group), in discovery order, each with its versions preferred first. */
  groups(): ApiGroupVersions[] {
    const byGroup = new Map<string, Set<string>>();
    for (const info of this.all) {
      if (info.group === "") continue;
      let versions = byGroup.get(info.group);
      if (!versions) byGroup.set(info.group, (versions = new Set()));
      versions.add(info.version);
    }
    return [...byGroup].map(([group, versions]) => ({ group, versions: [...versions].sort(compareVersions) }));
  }

  /** Every served group-version: `v1`, `apps/v1`, …  */
  groupVersions(): string[] {
    return ["v1", ...this.groups().flatMap(({ group, versions }) => versions.map((version) => `${group}/${version}`))];
  }
}
