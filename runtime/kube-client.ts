// The parts of client-node the runtime runs, imported on first use (`await import("./kube-client.ts")`):
// a Function file imports the runtime, and only the worker needs them. A static re-export here keeps
// bundles tree-shaken, which a dynamic import of the package itself would not.
export { KubeConfig, makeInformer } from "@kubernetes/client-node";
