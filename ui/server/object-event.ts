// What the UI keeps of a v1 Event: what it is about, why and when; the informer's cache holds only this.
import type { CoreV1Event } from "@kubernetes/client-node";
import { identityMetadata } from "./identity-metadata.ts";
import { timeOf } from "./time-of.ts";

/** What the UI keeps of a v1 Event: enough to place it on a Function's timeline. */
export interface ObjectEvent {
  namespace: string;
  name: string;
  involvedKind: string;
  involvedName: string;
  reason: string;
  message: string;
  /** ms since the epoch: the Event's last time it happened. */
  at: number;
}

/** The Event cut to what it is about, why and when. */
export function projectEvent(event: CoreV1Event): CoreV1Event {
  return {
    metadata: identityMetadata(event.metadata),
    involvedObject: { kind: event.involvedObject.kind, name: event.involvedObject.name },
    reason: event.reason,
    message: event.message,
    ...(event.lastTimestamp === undefined ? {} : { lastTimestamp: event.lastTimestamp }),
    ...(event.eventTime === undefined ? {} : { eventTime: event.eventTime }),
    ...(event.firstTimestamp === undefined ? {} : { firstTimestamp: event.firstTimestamp }),
  };
}

export function objectEventOf(event: CoreV1Event): ObjectEvent {
  return {
    namespace: event.metadata?.namespace ?? "default",
    name: event.metadata?.name ?? "",
    involvedKind: event.involvedObject.kind ?? "",
    involvedName: event.involvedObject.name ?? "",
    reason: event.reason ?? "",
    message: event.message ?? "",
    at: timeOf(event.lastTimestamp) ?? timeOf(event.eventTime) ?? timeOf(event.firstTimestamp) ?? 0,
  };
}
