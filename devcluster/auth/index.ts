// devcluster's credentials: the CA, the server certificate, the admin token and kubeconfig files.
export { loadOrCreateCredentials } from "./credentials.ts";
export { writeKubeconfig } from "./kubeconfig.ts";
