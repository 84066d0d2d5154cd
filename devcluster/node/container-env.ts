// A container's environment as the kubelet builds it: the image's Env, then the container's `env`
// (values, `$(VAR)` references, and `valueFrom.fieldRef` for the Pod's own fields).
import type { KubeObject } from "../registry/index.ts";

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath?: string } };
}

/** What fieldRefs can read; `podIP` and `nodeName` are only known once the Pod runs. */
export interface PodFields {
  pod: KubeObject;
  podIP: string;
  hostIP: string;
  nodeName: string;
}

function fieldValue(path: string, fields: PodFields): string {
  const { pod } = fields;
  const spec = (pod.spec ?? {}) as { serviceAccountName?: string };
  const annotation = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (annotation)
    return (annotation[1] === "labels" ? pod.metadata.labels : pod.metadata.annotations)?.[annotation[2]!] ?? "";
  switch (path) {
    case "metadata.name":
      return pod.metadata.name ?? "";
    case "metadata.namespace":
      return pod.metadata.namespace ?? "";
    case "metadata.uid":
      return pod.metadata.uid ?? "";
    case "spec.serviceAccountName":
      return spec.serviceAccountName ?? "default";
    case "spec.nodeName":
      return fields.nodeName;
    case "status.podIP":
    case "status.podIPs":
      return fields.podIP;
    case "status.hostIP":
    case "status.hostIPs":
      return fields.hostIP;
    default:
      return "";
  }
}

/** Expands `$(NAME)` from the variables defined so far; `$$(NAME)` stays literal, as in kube. */
function expand(value: string, defined: Map<string, string>): string {
  return value.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (match, name: string | undefined) => {
    if (name === undefined) return "$";
    return defined.get(name) ?? match;
  });
}

/** `NAME=value` pairs, later ones winning, image Env first. */
export function containerEnv(
  imageEnv: readonly string[],
  env: readonly EnvVar[],
  fields: PodFields,
): Map<string, string> {
  const result = new Map<string, string>();
  for (const entry of imageEnv) {
    const equals = entry.indexOf("=");
    if (equals > 0) result.set(entry.slice(0, equals), entry.slice(equals + 1));
  }
  for (const variable of env) {
    const path = variable.valueFrom?.fieldRef?.fieldPath;
    result.set(variable.name, path !== undefined ? fieldValue(path, fields) : expand(variable.value ?? "", result));
  }
  return result;
}

/** `command`/`args` with `$(VAR)` references expanded. */
export function expandArgs(args: readonly string[], env: Map<string, string>): string[] {
  return args.map((arg) => expand(arg, env));
}
