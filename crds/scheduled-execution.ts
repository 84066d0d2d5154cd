// ScheduledExecution: starts executions on a cron schedule, like a CronJob.
import { customResourceDefinition } from "./crd-manifest.ts";
import type { Resource } from "./resource.ts";
import type { SchemaType } from "./schema-type.ts";

export const scheduledExecutionSpecSchema = {
  type: "object",
  description: "When to start executions, of which function, with which arguments.",
  required: ["schedule", "function"],
  properties: {
    schedule: { type: "string", minLength: 1, description: "A cron expression, e.g. \"*/5 * * * *\"." },
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
    lastScheduleTime: { type: "string", format: "date-time" },
    lastSuccessfulTime: { type: "string", format: "date-time" },
    active: { type: "array", items: { type: "string" } },
  },
} as const;

export type ScheduledExecutionSpec = SchemaType<typeof scheduledExecutionSpecSchema>;
export type ScheduledExecutionStatus = SchemaType<typeof scheduledExecutionStatusSchema>;
export type ScheduledExecution = Resource<"ScheduledExecution", ScheduledExecutionSpec, ScheduledExecutionStatus>;

export const scheduledExecutionCrd = customResourceDefinition({
  names: { kind: "ScheduledExecution", plural: "scheduledexecutions", singular: "scheduledexecution", shortNames: ["kse"] },
  description: "Starts Kontinue executions on a cron schedule.",
  spec: scheduledExecutionSpecSchema,
  status: scheduledExecutionStatusSchema,
  printerColumns: [
    { name: "Schedule", type: "string", jsonPath: ".spec.schedule" },
    { name: "Function", type: "string", jsonPath: ".spec.function" },
    { name: "Suspend", type: "boolean", jsonPath: ".spec.suspend" },
    { name: "Last Schedule", type: "date", jsonPath: ".status.lastScheduleTime" },
  ],
});
