// The base image `kontinue dev` builds on in process mode: devcluster's process runner starts an image's `node`
// entrypoint with this machine's own node, so the base needs no Node of its own — one tiny layer whose
// /usr/local/bin/node hands over to the node on PATH, labelled with this machine's Node version for the builder's
// check. Pushed once per Node version; under Docker (or with --base) a real Node base is used instead.
import {
  MEDIA_TYPES,
  createLayer,
  jsonBlob,
  type ImageConfig,
  type LayerEntry,
  type RegistryClient,
} from "../builder/index.ts";

const REPOSITORY = "kontinue/host-node";

/** Pushes the host-node base to `client`'s registry unless it is there; resolves to its reference. */
export async function hostNodeBase(client: RegistryClient, registry: string): Promise<string> {
  const version = process.versions.node;
  const tag = `${version}-${process.arch}`;
  const reference = `${registry}/${REPOSITORY}:${tag}`;
  if (await client.headManifest(REPOSITORY, tag)) return reference;
  const entries: LayerEntry[] = [
    {
      type: "file",
      path: "usr/local/bin/node",
      data: Buffer.from('#!/bin/sh\n# process mode: the node of the machine running devcluster\nexec node "$@"\n'),
      mode: 0o755,
    },
    { type: "directory", path: "tmp", mode: 0o1777 },
  ];
  const layer = await createLayer(entries, { mtime: 0 });
  const created = new Date(0).toISOString();
  const config: ImageConfig = {
    architecture: process.arch === "x64" ? "amd64" : process.arch,
    os: "linux",
    created,
    config: { Env: ["PATH=/usr/local/bin:/usr/bin:/bin", `NODE_VERSION=${version}`], Cmd: ["node"] },
    rootfs: { type: "layers", diff_ids: [layer.diffId] },
    history: [{ created, created_by: "kontinue dev: process-mode base (the host's node)" }],
  };
  const configBlob = jsonBlob(config, MEDIA_TYPES.ociConfig);
  const manifest = jsonBlob(
    {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociManifest,
      config: configBlob.descriptor,
      layers: [layer.blob.descriptor],
    },
    MEDIA_TYPES.ociManifest,
  );
  for (const blob of [layer.blob, configBlob]) await client.uploadBlob(REPOSITORY, blob.descriptor.digest, blob.data);
  await client.putManifest(REPOSITORY, tag, manifest.data, MEDIA_TYPES.ociManifest);
  return reference;
}
