// ScheduledExecution: starts executions on a cron schedule, like a CronJob.
import { customResourceDefinition } from "./crd-manifest.ts";
import { conditionSchema } from "./function.ts";
import type { Resource } from "./resource.ts";
import type { SchemaType } from "./schema-type.ts";

export const scheduledExecutionSpecSchema = {
  type: "object",
  description: "When to start executions, of which function, with which arguments.",
  required: ["schedule", "function"],
  properties: {
    schedule: { type: "string", minLength: 1, description: 'A cron expression, e.g. "*/5 * * * *".' },
    timeZone: { type: "string", description: "An IANA time zone; default UTC." },
    function: { type: "string", minLength: 1 },
    arguments: { "x-kubernetes-preserve-unknown-fields": true, nullable: true },
    concurrencyPolicy: { type: "string", enum: ["Allow", "Forbid", "Replace"], default: "Allow" },
    startingDeadlineSeconds: { type: "integer", minimum: 0 },
    suspend: { type: "boolean", default: false },
    successfulHistoryLimit: { type: "integer", minimum: 0, default: 3 },
    failedHistoryLimit: { type: "integer", minimum: 0, default: 1 },
  },
} as const;

export const scheduledExecutionStatusSchema = {
  type: "object",
  properties: {
    observedGeneration: { type: "integer" },
    lastScheduleTime: { type: "string", format: "date-time", description: "The slot of the last execution started." },
    lastSuccessfulTime: {
      type: "string",
      format: "date-time",
      description: "When the last successful execution finished.",
    },
    nextScheduleTime: { type: "string", format: "date-time", description: "The next slot, absent while suspended." },
    active: { type: "array", items: { type: "string" }, description: "Executions started and not finished yet." },
    conditions: {
      type: "array",
      "x-kubernetes-list-type": "map",
      "x-kubernetes-list-map-keys": ["type"],
      items: conditionSchema,
    },
  },
} as const;

export type ScheduledExecutionSpec = SchemaType<typeof scheduledExecutionSpecSchema>;
export type ScheduledExecutionStatus = SchemaType<typeof scheduledExecutionStatusSchema>;
export type ScheduledExecution = Resource<"ScheduledExecution", ScheduledExecutionSpec, ScheduledExecutionStatus>;

export const scheduledExecutionCrd = customResourceDefinition({
  names: {
    kind: "ScheduledExecution",
    plural: "scheduledexecutions",
    singular: "scheduledexecution",
    shortNames: ["kse"],
  },
  description: "Starts Kontinue executions on a cron schedule.",
  spec: scheduledExecutionSpecSchema,
  status: scheduledExecutionStatusSchema,
  printerColumns: [
    { name: "Schedule", type: "string", jsonPath: ".spec.schedule" },
    { name: "Function", type: "string", jsonPath: ".spec.function" },
    { name: "Suspend", type: "boolean", jsonPath: ".spec.suspend" },
    { name: "Last Schedule", type: "date", jsonPath: ".status.lastScheduleTime" },
    { name: "Next Schedule", type: "string", jsonPath: ".status.nextScheduleTime", priority: 1 },
  ],
});
