// Reconciles a Function into its workload: the worker ServiceAccount, Role and RoleBinding, one Deployment
// per live revision scaled on that revision's Pending + Executing executions, drained revisions removed,
// then the status (figures, live revisions, Ready and Scaling) and Events for what changed.
import { isDeepStrictEqual } from "node:util";
import type {
  V1Deployment,
  V1ObjectMeta,
  V1Pod,
  V1Role,
  V1RoleBinding,
  V1ServiceAccount,
} from "@kubernetes/client-node";
import {
  FUNCTION_LABEL,
  REVISION_LABEL,
  type FunctionResource,
  type FunctionStatus,
  type LiveRevision,
} from "../crds/index.ts";
import { apiStatus, type Clock, type ResourceClient } from "../runtime/index.ts";
import { applyObject } from "./apply-object.ts";
import { desiredDeployment } from "./desired-deployment.ts";
import { desiredRole, desiredRoleBinding, desiredServiceAccount } from "./desired-rbac.ts";
import { desiredReplicas, scalingProblem, scalingSettings, type RevisionCounts } from "./desired-replicas.ts";
import type { EventRecorder } from "./event-recorder.ts";
import type { ExecutionIndex } from "./execution-index.ts";
import { readyCondition, scalingCondition, toCondition, type ConditionInputs } from "./function-conditions.ts";
import { imageRevision } from "./image-revision.ts";
import type { Lister } from "./lister.ts";
import { deletionCostChanges, podTrouble, POD_DELETION_COST } from "./worker-pods.ts";
import { DRAIN_FINALIZER } from "./workload-labels.ts";
import { splitKey, type Reconciler } from "./work-queue.ts";

type Meta<T> = T & { metadata: V1ObjectMeta };

export interface WorkloadClients {
  functions: ResourceClient<FunctionResource>;
  deployments: ResourceClient<Meta<V1Deployment>>;
  serviceAccounts: ResourceClient<Meta<V1ServiceAccount>>;
  roles: ResourceClient<Meta<V1Role>>;
  roleBindings: ResourceClient<Meta<V1RoleBinding>>;
  pods: ResourceClient<Meta<V1Pod>>;
}

export interface FunctionReconcilerDeps {
  functions: Lister<FunctionResource>;
  deployments: Lister<Meta<V1Deployment>>;
  serviceAccounts: Lister<Meta<V1ServiceAccount>>;
  roles: Lister<Meta<V1Role>>;
  roleBindings: Lister<Meta<V1RoleBinding>>;
  /** Absent when Pods are not visible to the controller. */
  pods?: Lister<V1Pod>;
  index: ExecutionIndex;
  clients: WorkloadClients;
  events: EventRecorder;
  clock: Clock;
}

const noExecutions: RevisionCounts = { pending: 0, executing: 0, suspended: 0 };
const plus = (a: RevisionCounts, b: RevisionCounts | undefined): RevisionCounts =>
  b === undefined
    ? a
    : { pending: a.pending + b.pending, executing: a.executing + b.executing, suspended: a.suspended + b.suspended };
const time = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const parse = (iso: string | undefined) => (iso === undefined ? undefined : Date.parse(iso));

export function functionReconciler(deps: FunctionReconcilerDeps): Reconciler {
  const event = (fn: FunctionResource, type: "Normal" | "Warning", reason: string, message: string) =>
    deps.events.record(fn, { type, reason, message });

  return async (key) => {
    const { namespace, name } = splitKey(key);
    const fn = deps.functions.get(namespace, name);
    const finalizers = fn?.metadata.finalizers ?? [];
    // A deleted Function is only drained while it holds the finalizer; without it, garbage collection has it.
    const deleting = fn?.metadata.deletionTimestamp !== undefined;
    if (fn === undefined || (deleting && !finalizers.includes(DRAIN_FINALIZER))) return {};
    const now = deps.clock.now();
    const settings = scalingSettings(fn.spec);
    const scalingIssue = scalingProblem(settings);
    const image = imageRevision(fn.spec.image);
    const active = "revision" in image ? image.revision : undefined;
    const counts = deps.index.revisionCounts(key);
    const mine = <T extends { metadata: V1ObjectMeta }>(objects: readonly T[]) =>
      objects.filter(
        (object) => object.metadata.namespace === namespace && object.metadata.labels?.[FUNCTION_LABEL] === name,
      );
    const deployments = new Map(
      mine(deps.deployments.list()).map((d) => [d.metadata.labels?.[REVISION_LABEL] ?? "", d]),
    );
    const previous = new Map((fn.status?.liveRevisions ?? []).map((revision) => [revision.id, revision]));
    const ids = new Set([
      ...(active === undefined ? [] : [active]),
      ...counts.keys(),
      ...deployments.keys(),
      ...previous.keys(),
    ]);
    ids.delete("");

    if (ids.size > 0 && !deleting) {
      if (!finalizers.includes(DRAIN_FINALIZER)) {
        // Its own write: the status below carries the resourceVersion this patch replaces (the patch requeues).
        await deps.clients.functions.mergePatch(namespace, name, {
          metadata: { finalizers: [...finalizers, DRAIN_FINALIZER], resourceVersion: fn.metadata.resourceVersion },
        });
        return {};
      }
      await ensureIdentity(fn);
    }

    const live: LiveRevision[] = [];
    let requeueAfter: number | undefined;
    const later = (ms: number) => (requeueAfter = Math.min(requeueAfter ?? Infinity, ms));
    let activeLimit: ConditionInputs["limit"];
    for (const id of [...ids].sort()) {
      const own = plus(counts.get(id) ?? noExecutions, id === active ? counts.get("") : undefined);
      const deployment = deployments.get(id);
      const before = previous.get(id);
      const unfinished = own.pending + own.executing + own.suspended;
      let drainingSince: number | undefined;
      if ((id !== active || deleting) && unfinished === 0) {
        drainingSince = parse(before?.drainingSince) ?? now;
        const grace = deleting ? 0 : (fn.spec.revisions?.drainGraceSeconds ?? 60);
        const remaining = drainingSince + grace * 1000 - now;
        if (remaining <= 0) {
          if (
            deployment !== undefined &&
            (await deps.clients.deployments.delete(namespace, deployment.metadata.name!))
          ) {
            const removed = `removed Deployment "${deployment.metadata.name}"`;
            await event(fn, "Normal", "RevisionDrained", `revision ${id} has no unfinished executions: ${removed}`);
          }
          continue;
        }
        later(remaining);
      }
      const deployed = deployment?.spec?.template.spec?.containers[0]?.image;
      const revisionImage = id === active ? fn.spec.image : (deployed ?? before?.image ?? deps.index.imageOf(key, id));
      const entry: LiveRevision = { id, ...(revisionImage === undefined ? {} : { image: revisionImage }), ...own };
      if (drainingSince !== undefined) entry.drainingSince = time(drainingSince);
      if (revisionImage === undefined) {
        await deps.events.record(fn, {
          type: "Warning",
          reason: "RevisionImageUnknown",
          message:
            `${unfinished} executions are pinned to revision ${id}, whose image is not known any more; ` +
            "cancel them, or deploy that image again to finish them",
          once: `revision-image-unknown-${id}`,
        });
        live.push({ ...entry, desiredReplicas: 0, replicas: 0, readyReplicas: 0 });
        continue;
      }
      const current = deployment?.spec?.replicas ?? 0;
      const held = { replicas: current, cooldownSince: parse(before?.cooldownSince) };
      const decision =
        scalingIssue === undefined
          ? desiredReplicas({ counts: own, settings, now, current: held })
          : { replicas: current, desired: current };
      if ("requeueAfter" in decision && decision.requeueAfter !== undefined) later(decision.requeueAfter);
      if (id === active && "limit" in decision) activeLimit = decision.limit;
      if (decision.replicas < current) await markBusyPods(id);
      const written = await applyDeployment(fn, { id, image: revisionImage }, decision.replicas, deployment);
      if (written.outcome === "created") {
        const created = `created Deployment "${written.object.metadata.name}" for revision ${id} (${revisionImage})`;
        await event(fn, "Normal", "RevisionDeployed", `${created} with ${decision.replicas} replicas`);
      } else if (decision.replicas !== current) {
        const why =
          `${own.pending} pending + ${own.executing} executing, ` +
          `targetPendingPerReplica ${settings.targetPendingPerReplica}`;
        const reason = decision.replicas > current ? "ScaledUp" : "ScaledDown";
        await event(fn, "Normal", reason, `revision ${id}: ${current} → ${decision.replicas} replicas (${why})`);
      }
      const cooldownSince = "cooldownSince" in decision ? decision.cooldownSince : undefined;
      live.push({
        ...entry,
        desiredReplicas: decision.replicas,
        replicas: written.object.status?.replicas ?? 0,
        readyReplicas: written.object.status?.readyReplicas ?? 0,
        ...(cooldownSince === undefined ? {} : { cooldownSince: time(cooldownSince) }),
      });
    }

    if (deleting) {
      const unfinished = live.reduce((sum, r) => sum + (r.pending ?? 0) + (r.executing ?? 0) + (r.suspended ?? 0), 0);
      if (unfinished === 0) {
        // Guarded by the cached resourceVersion: a stale cache must not let the Function go before its executions.
        // Not found: a reconcile from a cache that still had it already let it go.
        await deps.clients.functions
          .mergePatch(namespace, name, {
            metadata: {
              finalizers: finalizers.filter((finalizer) => finalizer !== DRAIN_FINALIZER),
              resourceVersion: fn.metadata.resourceVersion,
            },
          })
          .catch((error: unknown) => {
            if (apiStatus(error) !== 404) throw error;
          });
        return {};
      }
      await deps.events.record(fn, {
        type: "Normal",
        reason: "Draining",
        message:
          `the Function is deleted: its workers stay until its ${unfinished} unfinished executions finish ` +
          '(or are cancelled: "kontinue cancel <execution>"), then everything it owns is removed',
        once: `draining-${fn.metadata.uid}`,
      });
    }
    const activeEntry = live.find((revision) => revision.id === active);
    const activePods = active === undefined ? [] : podsOf(active);
    const inputs: ConditionInputs = {
      image,
      scalingProblem: scalingIssue,
      settings,
      active: activeEntry,
      limit: activeLimit,
      live,
      podTrouble: podTrouble(activePods),
    };
    const conditions = [
      toCondition("Ready", readyCondition(inputs), fn.status?.conditions, now, fn.metadata.generation),
      toCondition("Scaling", scalingCondition(inputs), fn.status?.conditions, now, fn.metadata.generation),
    ];
    const sum = (field: "desiredReplicas" | "replicas" | "readyReplicas" | "pending" | "executing" | "suspended") =>
      live.reduce((total, revision) => total + (revision[field] ?? 0), 0);
    const status: FunctionStatus = {
      ...(fn.metadata.generation === undefined ? {} : { observedGeneration: fn.metadata.generation }),
      desiredReplicas: sum("desiredReplicas"),
      replicas: sum("replicas"),
      readyReplicas: sum("readyReplicas"),
      pending: sum("pending"),
      executing: sum("executing"),
      suspended: sum("suspended"),
      ...(active === undefined ? {} : { activeRevision: active }),
      liveRevisions: live,
      conditions,
    };
    // Compared as JSON values: the API server may order keys differently than they were written.
    if (!isDeepStrictEqual(JSON.parse(JSON.stringify(status)), fn.status ?? {})) {
      // Guarded by the cached resourceVersion: a reconcile from a stale cache fails here, before its Events.
      await deps.clients.functions.replaceStatus({ ...fn, status });
      await reportTransitions(fn, status);
    }
    return requeueAfter === undefined ? {} : { requeueAfter };

    function podsOf(revision: string): V1Pod[] {
      return (deps.pods?.list() ?? []).filter(
        (pod) =>
          pod.metadata?.namespace === namespace &&
          pod.metadata.labels?.[FUNCTION_LABEL] === name &&
          pod.metadata.labels?.[REVISION_LABEL] === revision,
      );
    }

    /** Before a scale-down: busy Pods cost their held executions, so the ReplicaSet removes idle ones first. */
    async function markBusyPods(revision: string): Promise<void> {
      for (const change of deletionCostChanges(podsOf(revision), deps.index.heldByPod(key))) {
        await deps.clients.pods.mergePatch(namespace, change.pod, {
          metadata: { annotations: { [POD_DELETION_COST]: change.cost } },
        });
      }
    }
  };

  async function ensureIdentity(fn: FunctionResource): Promise<void> {
    const ns = fn.metadata.namespace!;
    const cached = <T extends { metadata: V1ObjectMeta }>(lister: Lister<T>, desired: T) =>
      lister.get(ns, desired.metadata.name!);
    if (fn.spec.serviceAccountName === undefined) {
      const desired = desiredServiceAccount(fn) as Meta<V1ServiceAccount>;
      await applyObject({
        client: deps.clients.serviceAccounts,
        desired,
        current: cached(deps.serviceAccounts, desired),
      });
    }
    const role = desiredRole(fn) as Meta<V1Role>;
    await applyObject({ client: deps.clients.roles, desired: role, current: cached(deps.roles, role) });
    const binding = desiredRoleBinding(fn) as Meta<V1RoleBinding>;
    await applyObject({
      client: deps.clients.roleBindings,
      desired: binding,
      current: cached(deps.roleBindings, binding),
    });
  }

  async function applyDeployment(
    fn: FunctionResource,
    revision: { id: string; image: string },
    replicas: number,
    current: Meta<V1Deployment> | undefined,
  ) {
    const desired = desiredDeployment(fn, revision, replicas) as Meta<V1Deployment>;
    const hashed = { ...desired, spec: { ...desired.spec, replicas: undefined } };
    const applied = await applyObject({ client: deps.clients.deployments, desired, current, hashed });
    if (applied.outcome !== "unchanged" || applied.object.spec?.replicas === replicas) return applied;
    const { namespace, name, resourceVersion } = applied.object.metadata;
    const scaled = await deps.clients.deployments.mergePatch(namespace!, name!, {
      metadata: { resourceVersion },
      spec: { replicas },
    });
    return { outcome: "updated" as const, object: scaled };
  }

  /** Events for a new active revision and for conditions that turned to a problem. */
  async function reportTransitions(fn: FunctionResource, status: FunctionStatus): Promise<void> {
    if (status.activeRevision !== undefined && status.activeRevision !== fn.status?.activeRevision) {
      const from = fn.status?.activeRevision === undefined ? "" : ` (was ${fn.status.activeRevision})`;
      await deps.events.record(fn, {
        type: "Normal",
        reason: "RevisionActivated",
        message: `new executions run revision ${status.activeRevision}${from}: ${fn.spec.image}`,
      });
    }
    const reported = new Set(["WorkersStarting"]);
    for (const condition of status.conditions ?? []) {
      const before = fn.status?.conditions?.find((c) => c.type === condition.type);
      if (condition.status !== "False" || reported.has(condition.reason!)) continue;
      if (before !== undefined && before.reason === condition.reason && before.status === condition.status) continue;
      reported.add(condition.reason!);
      await deps.events.record(fn, {
        type: condition.reason === "SourceImage" ? "Normal" : "Warning",
        reason: condition.reason!,
        message: condition.message ?? "",
      });
    }
  }
}
