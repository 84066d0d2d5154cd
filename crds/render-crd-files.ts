// Renders the CRD manifests as the YAML files committed under crds/ (what `kubectl apply -f crds/` takes).
import { stringify } from "yaml";
import { crdFileName, crdManifests } from "./crd-manifests.ts";

const header = "# Generated from crds/*.ts by `npm run crds:generate`; edit the TypeScript, not this file.\n";

export function renderCrdFiles(): Map<string, string> {
  return new Map(
    crdManifests.map((crd) => [
      crdFileName(crd),
      header + stringify(crd, { lineWidth: 0, aliasDuplicateObjects: false }),
    ]),
  );
}
