// v1 Events about Kontinue objects, as `kubectl describe` and `kubectl events` show them.
import type { ResourceClient } from "./resource-client.ts";

export interface KubeEvent {
  apiVersion: "v1";
  kind: "Event";
  metadata: { name?: string; generateName?: string; namespace?: string; resourceVersion?: string };
  involvedObject: {
    apiVersion?: string;
    kind?: string;
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
  };
  reason: string;
  message: string;
  type: "Normal" | "Warning";
  source: { component: string; host?: string };
  reportingComponent: string;
  reportingInstance?: string;
  firstTimestamp: string;
  lastTimestamp: string;
  count: number;
}

export interface EventSubject {
  apiVersion?: string;
  kind?: string;
  metadata: { name?: string; namespace?: string; uid?: string; resourceVersion?: string };
}

export interface EventOptions {
  subject: EventSubject;
  type: "Normal" | "Warning";
  /** UpperCamelCase, e.g. `StepsNotReached`. */
  reason: string;
  message: string;
  /** Who reports it, e.g. `kontinue-worker`. */
  component: string;
  /** The reporting instance, e.g. the worker's Pod. */
  instance?: string;
  now: number;
}

/** The Event object for `options` (pure). */
export function eventFor(options: EventOptions): KubeEvent {
  const { subject, now } = options;
  const at = new Date(now).toISOString();
  return {
    apiVersion: "v1",
    kind: "Event",
    metadata: { generateName: `${subject.metadata.name ?? "object"}.`, namespace: subject.metadata.namespace },
    involvedObject: {
      apiVersion: subject.apiVersion,
      kind: subject.kind,
      name: subject.metadata.name,
      namespace: subject.metadata.namespace,
      uid: subject.metadata.uid,
      resourceVersion: subject.metadata.resourceVersion,
    },
    reason: options.reason,
    message: options.message,
    type: options.type,
    source: { component: options.component, ...(options.instance === undefined ? {} : { host: options.instance }) },
    reportingComponent: options.component,
    ...(options.instance === undefined ? {} : { reportingInstance: options.instance }),
    firstTimestamp: at,
    lastTimestamp: at,
    count: 1,
  };
}

/** Records an Event; an Event that cannot be written is not worth failing anything for, so errors go to `onError`. */
export async function recordEvent(
  client: ResourceClient<KubeEvent>,
  options: EventOptions,
  onError: (error: unknown) => void,
): Promise<void> {
  try {
    await client.create(options.subject.metadata.namespace ?? "default", eventFor(options));
  } catch (error) {
    onError(error);
  }
}
