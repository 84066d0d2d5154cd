// v1 Events about Kontinue objects, shown by `kubectl describe`. An event's name comes from its object
// and a dedupe key, so a reconcile that runs again for the same cause records nothing new (409).
import type { CoreV1Event, V1ObjectMeta } from "@kubernetes/client-node";
import { apiStatus, ResourceClient, type KubeHttp } from "../runtime/index.ts";

export interface InvolvedObject {
  apiVersion: string;
  kind: string;
  metadata: V1ObjectMeta;
}

export interface ObjectEvent {
  type: "Normal" | "Warning";
  reason: string;
  message: string;
  /** Same object, same dedupe: one Event. */
  dedupe: string;
}

export type EventRecorder = (object: InvolvedObject, event: ObjectEvent, now: number) => Promise<void>;

const component = "kontinue-controller";

/** Records Events through `http`; a failure to record is reported, never thrown (events are best effort). */
export function eventRecorder(http: KubeHttp, onError: (error: unknown) => void): EventRecorder {
  const client = new ResourceClient<CoreV1Event & { metadata: V1ObjectMeta }>(http, "events", "/api/v1");
  return async (object, event, now) => {
    const namespace = object.metadata.namespace!;
    const time = new Date(now);
    const body = {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: eventName(object.metadata.name!, event.dedupe), namespace },
      involvedObject: {
        apiVersion: object.apiVersion,
        kind: object.kind,
        name: object.metadata.name,
        namespace,
        uid: object.metadata.uid,
        resourceVersion: object.metadata.resourceVersion,
      },
      type: event.type,
      reason: event.reason,
      message: event.message,
      source: { component },
      reportingComponent: component,
      firstTimestamp: time,
      lastTimestamp: time,
      count: 1,
    } as unknown as CoreV1Event & { metadata: V1ObjectMeta };
    try {
      await client.create(namespace, body);
    } catch (error) {
      if (apiStatus(error) !== 409) onError(error);
    }
  };
}

/** `<object>.<dedupe>`, lower-cased into a DNS subdomain of at most 253 characters. */
export function eventName(object: string, dedupe: string): string {
  return `${object}.${dedupe}`
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, "-")
    .slice(0, 253)
    .replace(/[.-]+$/, "");
}
