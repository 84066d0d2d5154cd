// Function: a durable workflow deployed as an image, and how its workers scale.
import { customResourceDefinition } from "./crd-manifest.ts";
import type { Resource } from "./resource.ts";
import type { SchemaType } from "./schema-type.ts";

const passthrough = { type: "object", "x-kubernetes-preserve-unknown-fields": true } as const;

export const scalingSchema = {
  type: "object",
  properties: {
    minReplicas: { type: "integer", minimum: 0, default: 0 },
    maxReplicas: { type: "integer", minimum: 0, default: 10 },
    targetPendingPerReplica: { type: "integer", minimum: 1, default: 5 },
    cooldownSeconds: { type: "integer", minimum: 0, default: 300 },
  },
} as const;

export const retrySchema = {
  type: "object",
  properties: {
    maxAttempts: {
      type: "integer",
      minimum: 1,
      default: 3,
      description: "Attempts of an execution (worker crashes, lost leases) before it fails.",
    },
    initialIntervalSeconds: { type: "number", minimum: 0 },
    backoffCoefficient: { type: "number", minimum: 1 },
    maximumIntervalSeconds: { type: "number", minimum: 0 },
  },
} as const;

export const revisionsSchema = {
  type: "object",
  description: "How the workers of earlier revisions (image digests) are retired.",
  properties: {
    drainGraceSeconds: {
      type: "integer",
      minimum: 0,
      default: 60,
      description: "Seconds a revision with no unfinished executions keeps its Deployment before it is removed.",
    },
  },
} as const;

export const conditionSchema = {
  type: "object",
  required: ["type", "status"],
  properties: {
    type: { type: "string" },
    status: { type: "string", enum: ["True", "False", "Unknown"] },
    reason: { type: "string" },
    message: { type: "string" },
    lastTransitionTime: { type: "string", format: "date-time" },
    observedGeneration: { type: "integer" },
  },
} as const;

export const functionSpecSchema = {
  type: "object",
  description: "The worker image and how its workers run and scale.",
  required: ["image", "functionName"],
  properties: {
    image: { type: "string", minLength: 1, description: "The worker image, pinned by digest." },
    functionName: { type: "string", minLength: 1, description: "The logical name executions use, e.g. processOrder." },
    scaling: scalingSchema,
    concurrency: { type: "integer", minimum: 1, default: 10, description: "Executions one worker runs at once." },
    retry: retrySchema,
    revisions: revisionsSchema,
    ttlSecondsAfterFinished: {
      type: "integer",
      minimum: 0,
      description: "Delete a finished execution (with its children) this long after it finishes; unset keeps it.",
    },
    timeoutSeconds: { type: "integer", minimum: 1 },
    env: { type: "array", items: passthrough },
    resources: passthrough,
    serviceAccountName: { type: "string" },
  },
} as const;

const time = { type: "string", format: "date-time" } as const;

export const liveRevisionSchema = {
  type: "object",
  required: ["id"],
  properties: {
    id: { type: "string", description: "The first 16 hex digits of the image digest." },
    image: { type: "string", description: "The image reference, by digest." },
    desiredReplicas: { type: "integer" },
    replicas: { type: "integer" },
    readyReplicas: { type: "integer" },
    pending: { type: "integer" },
    executing: { type: "integer" },
    suspended: { type: "integer" },
    cooldownSince: {
      ...time,
      description: "When the desire fell below the replicas; they follow it cooldownSeconds later.",
    },
    drainingSince: { ...time, description: "When the last unfinished execution left this (inactive) revision." },
  },
} as const;

export const functionStatusSchema = {
  type: "object",
  description: "Observed workers and queue depth, written by the controller.",
  properties: {
    observedGeneration: { type: "integer" },
    replicas: { type: "integer" },
    readyReplicas: { type: "integer" },
    desiredReplicas: { type: "integer" },
    pending: { type: "integer" },
    executing: { type: "integer" },
    suspended: { type: "integer" },
    activeRevision: { type: "string", description: "The revision new executions are pinned to (from spec.image)." },
    liveRevisions: {
      type: "array",
      description: "Revisions with unfinished executions, the active one, and those still draining.",
      items: liveRevisionSchema,
    },
    conditions: {
      type: "array",
      "x-kubernetes-list-type": "map",
      "x-kubernetes-list-map-keys": ["type"],
      items: conditionSchema,
    },
  },
} as const;

export type Scaling = SchemaType<typeof scalingSchema>;
export type RetryPolicy = SchemaType<typeof retrySchema>;
export type RevisionPolicy = SchemaType<typeof revisionsSchema>;
export type LiveRevision = SchemaType<typeof liveRevisionSchema>;
export type Condition = SchemaType<typeof conditionSchema>;
export type FunctionSpec = SchemaType<typeof functionSpecSchema>;
export type FunctionStatus = SchemaType<typeof functionStatusSchema>;
/** Named so it does not shadow the global `Function`. */
export type FunctionResource = Resource<"Function", FunctionSpec, FunctionStatus>;

export const functionCrd = customResourceDefinition({
  names: { kind: "Function", plural: "functions", singular: "function", shortNames: ["kfn"] },
  description: "A Kontinue function: its worker image, and how its workers scale.",
  spec: functionSpecSchema,
  status: functionStatusSchema,
  printerColumns: [
    { name: "Function", type: "string", jsonPath: ".spec.functionName" },
    { name: "Ready", type: "string", jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
    { name: "Reason", type: "string", jsonPath: '.status.conditions[?(@.type=="Ready")].reason' },
    { name: "Desired", type: "integer", jsonPath: ".status.desiredReplicas" },
    { name: "Replicas", type: "integer", jsonPath: ".status.readyReplicas" },
    { name: "Pending", type: "integer", jsonPath: ".status.pending" },
    { name: "Executing", type: "integer", jsonPath: ".status.executing" },
    { name: "Suspended", type: "integer", jsonPath: ".status.suspended", priority: 1 },
    { name: "Revision", type: "string", jsonPath: ".status.activeRevision" },
    { name: "Scaling", type: "string", jsonPath: '.status.conditions[?(@.type=="Scaling")].reason', priority: 1 },
    { name: "Image", type: "string", jsonPath: ".spec.image", priority: 1 },
  ],
});
