// devcluster's credentials: the CA, the server certificate, the admin token, ServiceAccount tokens and kubeconfig
// files.
export { loadOrCreateCredentials } from "./credentials.ts";
export { writeKubeconfig } from "./kubeconfig.ts";
export { ServiceAccountTokens } from "./service-account-tokens.ts";
export type { ServiceAccountRef } from "./service-account-tokens.ts";
export { authenticate } from "./authenticate.ts";
export type { Authentication, Authenticator } from "./authenticate.ts";
export { forbiddenMessage, RbacAuthorizer } from "./rbac-authorizer.ts";
export type { RbacObjects, RequestAttributes, UserInfo } from "./rbac-authorizer.ts";
