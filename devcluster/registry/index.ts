// devcluster's registry: the object service, kind strategies, schemas, patches, server-side apply, selectors.
export {
  ApiError,
  badRequest,
  gone,
  internalError,
  methodNotAllowed,
  routeNotFound,
  unauthorized,
  unsupportedMediaType,
} from "./api-error.ts";
export { builtinSchema } from "./builtin-schema.ts";
export { crdCleanupFinalizer } from "./crd-lifecycle.ts";
export { parseFieldSelector } from "./field-selector.ts";
export { cloneJson, isObject, jsonEqual } from "./json-value.ts";
export type { JsonMap } from "./json-value.ts";
export {
  formatLabelSelector,
  labelSelectorFromMatch,
  matchesLabelSelector,
  parseLabelSelector,
} from "./label-selector.ts";
export type { LabelSelectorMatch } from "./label-selector.ts";
export { listObjects, matchesSelectors } from "./list-objects.ts";
export type { Selectors } from "./list-objects.ts";
export { ObjectService } from "./object-service.ts";
export type { DeleteOptions, FieldValidation, WriteContext, WriteResult } from "./object-service.ts";
export { patchObject, patchTypeOf } from "./patch-object.ts";
export type { PatchRequest } from "./patch-object.ts";
export { kubeTime } from "./kube-time.ts";
export { ResourceCatalogue, groupVersionOf, storageResource } from "./resource-catalogue.ts";
export { builtinResources } from "./resource-info.ts";
export type {
  JSONSchemaProps,
  KubeObject,
  OwnerReference,
  PrinterColumn,
  ResourceInfo,
  Table,
  TableRow,
} from "./resource-info.ts";
export { applyScale, toScale } from "./scale.ts";
