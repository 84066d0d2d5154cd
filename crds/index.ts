// Kontinue's custom resources: schemas (the one source of truth), their TypeScript types, and CRD manifests.
export { GROUP, VERSION, API_VERSION, CATEGORY, customResourceDefinition } from "./crd-manifest.ts";
export type { CustomResourceDefinition, PrinterColumn, KindNames } from "./crd-manifest.ts";
export { crdManifests, crdFileName, PLURALS } from "./crd-manifests.ts";
export {
  FUNCTION_LABEL,
  REVISION_LABEL,
  RESCUED_FROM_ANNOTATION,
  APP_NAME_LABEL,
  MANAGED_BY_LABEL,
  MANAGED_BY,
  PARENT_UID_LABEL,
  PARENT_CLOSE_LABEL,
  RETRY_OF_ANNOTATION,
  SCHEDULED_EXECUTION_LABEL,
} from "./labels.ts";
export { toResourceName } from "./resource.ts";
export type { Resource } from "./resource.ts";
export type { SchemaType, StructuralSchema } from "./schema-type.ts";
export { executionCrd } from "./execution.ts";
export type {
  Execution,
  ExecutionSpec,
  ExecutionStatus,
  ExecutionPhase,
  ExecutionState,
  JournalEntry,
  ErrorInfo,
  Signal,
} from "./execution.ts";
export { functionCrd } from "./function.ts";
export type {
  FunctionResource,
  FunctionSpec,
  FunctionStatus,
  Scaling,
  RetryPolicy,
  RevisionPolicy,
  LiveRevision,
  Condition,
} from "./function.ts";
export { suspensionCrd } from "./suspension.ts";
export type { Suspension, SuspensionSpec, SuspensionStatus, SuspensionReason } from "./suspension.ts";
export { scheduledExecutionCrd } from "./scheduled-execution.ts";
export type { ScheduledExecution, ScheduledExecutionSpec, ScheduledExecutionStatus } from "./scheduled-execution.ts";
export {
  CONTROLLER_NAME,
  CONTROLLER_RULES,
  LEADER_ELECTION_RULES,
  controllerServiceAccount,
  controllerClusterRole,
  controllerClusterRoleBinding,
  leaderElectionRole,
  leaderElectionRoleBinding,
} from "./controller-rbac.ts";
export { controllerDeployment, CONTROLLER_USER } from "./controller-deployment.ts";
export type { ControllerDeploymentOptions } from "./controller-deployment.ts";
export { installManifests, DEFAULT_INSTALL_NAMESPACE } from "./install-manifests.ts";
export type { InstallManifestsOptions } from "./install-manifests.ts";
