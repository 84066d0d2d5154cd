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
    maxAttempts: { type: "integer", minimum: 1, default: 3, description: "Attempts of an execution (worker crashes, lost leases) before it fails." },
    initialIntervalSeconds: { type: "number", minimum: 0 },
    backoffCoefficient: { type: "number", minimum: 1 },
    maximumIntervalSeconds: { type: "number", minimum: 0 },
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
    timeoutSeconds: { type: "integer", minimum: 1 },
    env: { type: "array", items: passthrough },
    resources: passthrough,
    serviceAccountName: { type: "string" },
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
    { name: "Desired", type: "integer", jsonPath: ".status.desiredReplicas" },
    { name: "Ready", type: "integer", jsonPath: ".status.readyReplicas" },
    { name: "Pending", type: "integer", jsonPath: ".status.pending" },
    { name: "Executing", type: "integer", jsonPath: ".status.executing", priority: 1 },
    { name: "Image", type: "string", jsonPath: ".spec.image" },
  ],
});
