// The controller's scaling Events on a Function, read back as figures. The Events carry no machine-readable
// replica counts, so this one module parses the messages controller/function-reconciler.ts writes:
//   RevisionDeployed  `created Deployment "<name>" for revision <id> (<image>) with <n> replicas`
//   ScaledUp/Down     `revision <id>: <from> → <to> replicas (<p> pending + <e> executing, …)`
// A message in another shape is not a scaling Event to the UI (it is skipped, never guessed at).
import type { ObjectEvent } from "./object-event.ts";

export interface ScalingEvent {
  at: number;
  reason: "RevisionDeployed" | "ScaledUp" | "ScaledDown";
  revision: string;
  /** Replicas before the change; 0 for a Deployment just created. */
  from: number;
  /** Replicas the controller wrote. */
  replicas: number;
  /** Pending and executing executions of the revision at the time (RevisionDeployed does not say). */
  pending?: number;
  executing?: number;
}

const deployed = /^created Deployment "[^"]+" for revision (\S+) \(.*\) with (\d+) replicas$/;
const scaled = /^revision (\S+): (\d+) → (\d+) replicas \((\d+) pending \+ (\d+) executing\b/;

export function scalingEventOf(event: ObjectEvent): ScalingEvent | undefined {
  if (event.involvedKind !== "Function") return undefined;
  if (event.reason === "RevisionDeployed") {
    const match = deployed.exec(event.message);
    if (match === null) return undefined;
    const [, revision, replicas] = match;
    return { at: event.at, reason: event.reason, revision: revision!, from: 0, replicas: Number(replicas) };
  }
  if (event.reason === "ScaledUp" || event.reason === "ScaledDown") {
    const match = scaled.exec(event.message);
    if (match === null) return undefined;
    return {
      at: event.at,
      reason: event.reason,
      revision: match[1]!,
      from: Number(match[2]),
      replicas: Number(match[3]),
      pending: Number(match[4]),
      executing: Number(match[5]),
    };
  }
  return undefined;
}
