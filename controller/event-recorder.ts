// v1 Events about Functions and Executions, as `kubectl describe` shows them. Recording is best effort:
// a failure is logged, never a reason to fail a reconcile.
import { randomBytes } from "node:crypto";
import type { CoreV1Event, V1ObjectMeta } from "@kubernetes/client-node";
import { ResourceClient, apiStatus, type Clock, type KubeHttp } from "../runtime/index.ts";

export type EventType = "Normal" | "Warning";

export interface InvolvedObject {
  apiVersion: string;
  kind: string;
  metadata: V1ObjectMeta;
}

export interface EventRecorder {
  /**
   * Records an Event on `object`. With `once`, the Event has a name derived from it (`<object>.<once>`),
   * so it is recorded once per object, however many times this is called.
   */
  record(
    object: InvolvedObject,
    event: { type: EventType; reason: string; message: string; once?: string },
  ): Promise<void>;
}

export const CONTROLLER_COMPONENT = "kontinue-controller";

export function createEventRecorder(options: {
  http: KubeHttp;
  clock: Clock;
  instance: string;
  log: (line: string) => void;
}): EventRecorder {
  const events = new ResourceClient<CoreV1Event & { metadata: V1ObjectMeta }>(options.http, "events", "/api/v1");
  return {
    async record(object, event) {
      const { namespace, name, uid, resourceVersion } = object.metadata;
      const time = new Date(options.clock.now());
      const suffix = event.once ?? `${time.getTime().toString(16)}${randomBytes(4).toString("hex")}`;
      const body: CoreV1Event & { metadata: V1ObjectMeta } = {
        apiVersion: "v1",
        kind: "Event",
        metadata: { name: `${name}.${suffix}`, namespace },
        involvedObject: { apiVersion: object.apiVersion, kind: object.kind, name, namespace, uid, resourceVersion },
        type: event.type,
        reason: event.reason,
        message: event.message,
        source: { component: CONTROLLER_COMPONENT },
        reportingComponent: CONTROLLER_COMPONENT,
        reportingInstance: options.instance,
        firstTimestamp: time,
        lastTimestamp: time,
        count: 1,
      };
      try {
        await events.create(namespace!, body);
      } catch (error) {
        if (event.once !== undefined && apiStatus(error) === 409) return;
        options.log(
          `${time.toISOString()} warn cannot record ` +
            `event ${event.reason} on ${object.kind} "${namespace}/${name}": ${(error as Error).message}`,
        );
      }
    },
  };
}
