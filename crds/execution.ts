// Execution: one run of a function, and its journal.
import { customResourceDefinition } from "./crd-manifest.ts";
import type { Resource } from "./resource.ts";
import type { SchemaType } from "./schema-type.ts";

/** Any JSON value. */
const json = { "x-kubernetes-preserve-unknown-fields": true, nullable: true } as const;
const time = { type: "string", format: "date-time" } as const;

export const executionPhaseSchema = {
  type: "string",
  enum: ["Pending", "Executing", "Suspended", "Completed", "Failed", "Cancelled"],
} as const;

export const errorInfoSchema = {
  type: "object",
  required: ["type", "message"],
  properties: {
    type: { type: "string", description: "The error's name or code, e.g. RUNTIME_NON_DETERMINISM." },
    message: { type: "string" },
    stack: { type: "string" },
  },
} as const;

export const journalEntrySchema = {
  type: "object",
  required: ["seq", "kind", "name", "status", "startedAt", "attempts"],
  "x-kubernetes-preserve-unknown-fields": true,
  properties: {
    seq: { type: "integer", minimum: 0, description: "The call's sequence number in its execution." },
    kind: { type: "string", enum: ["store", "sleep", "execute", "poll", "signal", "now", "random"] },
    name: { type: "string" },
    status: { type: "string", enum: ["running", "waiting", "completed", "failed"] },
    value: json,
    error: errorInfoSchema,
    startedAt: time,
    finishedAt: time,
    attempts: { type: "integer", minimum: 0 },
    until: { ...time, description: "When a sleep ends, or when a poll checks next." },
    child: { type: "string", description: "The child Execution of an execute step." },
    function: { type: "string", description: "The function an execute step started." },
    parentClose: {
      type: "string",
      enum: ["cancel", "abandon"],
      description: "What happens to the child when this execution ends first.",
    },
    signal: { type: "string", description: "The id of the signal a signal step consumed." },
    turn: {
      type: "integer",
      minimum: 0,
      description: "The turn in which the call's outcome reached the function; replay delivers outcomes turn by turn.",
    },
  },
} as const;

export const signalSchema = {
  type: "object",
  required: ["id", "name"],
  properties: {
    id: {
      type: "string",
      minLength: 1,
      description: "Unique per signal: a second delivery of the same id is ignored.",
    },
    name: { type: "string", minLength: 1 },
    payload: json,
    sentAt: time,
  },
} as const;

export const executionSpecSchema = {
  type: "object",
  description: "What to run: the function and its arguments.",
  required: ["function"],
  properties: {
    function: {
      type: "string",
      minLength: 1,
      description: "The logical name of the function to run, e.g. processOrder.",
    },
    arguments: json,
    parent: {
      type: "object",
      required: ["name", "step"],
      properties: { name: { type: "string" }, step: { type: "integer", minimum: 0 } },
    },
    idempotencyKey: { type: "string" },
    cancelRequested: { type: "boolean" },
    signals: {
      type: "array",
      items: signalSchema,
      description: "Signals sent to the execution, in arrival order; ctx.waitForSignal consumes them by name.",
    },
    ttlSecondsAfterFinished: {
      type: "integer",
      minimum: 0,
      description: "Delete the execution this long after it finishes (overrides the Function's default).",
    },
  },
} as const;

export const executionStatusSchema = {
  type: "object",
  description: "Where the execution is: its phase, journal, lease and outcome. Written by workers and the controller.",
  properties: {
    phase: executionPhaseSchema,
    state: {
      type: "object",
      description: "The journal: one entry per durable call.",
      "x-kubernetes-preserve-unknown-fields": true,
      properties: {
        version: { type: "integer", minimum: 1, description: "The journal format; absent means version 1." },
        steps: { type: "array", items: journalEntrySchema },
      },
    },
    result: json,
    error: errorInfoSchema,
    attempt: { type: "integer", minimum: 0 },
    lostAttempts: {
      type: "integer",
      minimum: 0,
      description:
        "Attempts that ended without their worker finishing them (crash, expired lease); past the Function's " +
        "retry.maxAttempts the execution fails.",
    },
    lease: {
      type: "object",
      required: ["holder", "expiresAt"],
      properties: {
        holder: { type: "string" },
        expiresAt: time,
        pod: {
          type: "string",
          description:
            "The holder's Pod, when the worker runs in one: once that Pod is gone the controller hands the execution " +
            "back at once.",
        },
        durationSeconds: {
          type: "integer",
          minimum: 1,
          description:
            "The lease's length: observers time its expiry from when they saw it change, not from expiresAt.",
        },
      },
    },
    startedAt: time,
    completedAt: time,
    observedImage: { type: "string", description: "The image (or source digest) of the worker that last ran it." },
    revision: {
      type: "string",
      description: "The Function revision (image digest prefix) the execution is pinned to.",
    },
    retryAfter: { ...time, description: "After a lost attempt: no worker claims it before this (server time)." },
    stepsAtLastLoss: { type: "integer", minimum: 0, description: "Finished steps when it last lost its worker." },
  },
} as const;

export type ExecutionPhase = SchemaType<typeof executionPhaseSchema>;
export type ErrorInfo = SchemaType<typeof errorInfoSchema>;
export type JournalEntry = SchemaType<typeof journalEntrySchema>;
export type Signal = SchemaType<typeof signalSchema>;
export type ExecutionSpec = SchemaType<typeof executionSpecSchema>;
export type ExecutionStatus = SchemaType<typeof executionStatusSchema>;
export type ExecutionState = NonNullable<ExecutionStatus["state"]>;
export type Execution = Resource<"Execution", ExecutionSpec, ExecutionStatus>;

export const executionCrd = customResourceDefinition({
  names: { kind: "Execution", plural: "executions", singular: "execution", shortNames: ["kex", "exec"] },
  description: "One run of a Kontinue function: its arguments, phase, journal and result.",
  spec: executionSpecSchema,
  status: executionStatusSchema,
  printerColumns: [
    { name: "Function", type: "string", jsonPath: ".spec.function" },
    { name: "Phase", type: "string", jsonPath: ".status.phase" },
    { name: "Attempt", type: "integer", jsonPath: ".status.attempt" },
    { name: "Holder", type: "string", jsonPath: ".status.lease.holder", priority: 1 },
    { name: "Completed", type: "date", jsonPath: ".status.completedAt", priority: 1 },
  ],
});
