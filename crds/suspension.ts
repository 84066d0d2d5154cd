// Suspension: why an execution is parked, and until when.
import { customResourceDefinition } from "./crd-manifest.ts";
import type { Resource } from "./resource.ts";
import type { SchemaType } from "./schema-type.ts";

export const suspensionReasonSchema = {
  type: "string",
  enum: ["Sleep", "Poll", "Execute", "Signal", "NonDeterminism"],
} as const;

export const suspensionSpecSchema = {
  type: "object",
  description: "Which execution is parked, why, and what wakes it.",
  required: ["execution", "reason"],
  properties: {
    execution: { type: "string", minLength: 1, description: "The parked Execution, in the same namespace." },
    reason: suspensionReasonSchema,
    until: { type: "string", format: "date-time", description: "When the execution is due again, if a time wakes it." },
    children: { type: "array", items: { type: "string" }, description: "Child Executions it waits for." },
    signals: { type: "array", items: { type: "string" }, description: "Signal names it waits for." },
    signalsSeen: {
      type: "integer",
      minimum: 0,
      description: "How many signals the execution had when it parked: a later one with an awaited name wakes it.",
    },
    message: { type: "string" },
    image: {
      type: "string",
      description: "For NonDeterminism: the image that found it; a different image resumes it.",
    },
  },
} as const;

export const suspensionStatusSchema = {
  type: "object",
  properties: {
    resumedAt: { type: "string", format: "date-time" },
  },
} as const;

export type SuspensionReason = SchemaType<typeof suspensionReasonSchema>;
export type SuspensionSpec = SchemaType<typeof suspensionSpecSchema>;
export type SuspensionStatus = SchemaType<typeof suspensionStatusSchema>;
export type Suspension = Resource<"Suspension", SuspensionSpec, SuspensionStatus>;

export const suspensionCrd = customResourceDefinition({
  names: { kind: "Suspension", plural: "suspensions", singular: "suspension", shortNames: ["ksusp"] },
  description: "Why a Kontinue execution is parked and what wakes it.",
  spec: suspensionSpecSchema,
  status: suspensionStatusSchema,
  printerColumns: [
    { name: "Execution", type: "string", jsonPath: ".spec.execution" },
    { name: "Reason", type: "string", jsonPath: ".spec.reason" },
    { name: "Until", type: "date", jsonPath: ".spec.until" },
  ],
});
