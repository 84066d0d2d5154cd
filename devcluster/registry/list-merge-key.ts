// Which built-in lists merge by key (kube's `patchMergeKey`), shared by strategic merge and server-side apply.

/** How a list merges: by a key field of its items, as a set of primitives, or (undefined) atomically. */
export type ListMerge = { key: string } | "set" | undefined;

const podSpecLists = new Map<string, ListMerge>([
  ["containers", { key: "name" }],
  ["initContainers", { key: "name" }],
  ["ephemeralContainers", { key: "name" }],
  ["env", { key: "name" }],
  ["volumes", { key: "name" }],
  ["volumeMounts", { key: "mountPath" }],
  ["volumeDevices", { key: "devicePath" }],
  ["ports", { key: "containerPort" }],
  ["imagePullSecrets", { key: "name" }],
  ["hostAliases", { key: "ip" }],
  ["resourceClaims", { key: "name" }],
  ["schedulingGates", { key: "name" }],
  ["topologySpreadConstraints", { key: "topologyKey" }],
]);

const listsByKind = new Map<string, Map<string, ListMerge>>([
  ["Pod", podSpecLists],
  ["Deployment", podSpecLists],
  ["ReplicaSet", podSpecLists],
  [
    "ServiceAccount",
    new Map<string, ListMerge>([
      ["secrets", { key: "name" }],
      ["imagePullSecrets", { key: "name" }],
    ]),
  ],
]);

/** Lists of ObjectMeta and of status conditions, the same in every kind. */
const commonLists = new Map<string, ListMerge>([
  ["finalizers", "set"],
  ["ownerReferences", { key: "uid" }],
  ["conditions", { key: "type" }],
]);

/** How the list under `field` of a built-in `kind` merges in strategic merge patches and server-side apply. */
export function listMergeKey(kind: string, field: string): ListMerge {
  return listsByKind.get(kind)?.get(field) ?? commonLists.get(field);
}
