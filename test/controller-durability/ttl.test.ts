// TTL housekeeping on devcluster with a ManualClock-driven controller: a finished root goes
// ttlSecondsAfterFinished after it finished, its finished children right after it, a child still running
// then once it finishes; executions without a TTL stay.
import { afterAll, beforeAll, expect, it } from "vitest";
import { TTL_ANNOTATION } from "../../controller/index.ts";
import type { Execution } from "../../crds/index.ts";
import { executionBody, waitFor } from "../runtime/runtime-harness.ts";
import { clockedController, type ClockedController } from "./clocked-controller.ts";

let rig: ClockedController;
beforeAll(async () => {
  rig = await clockedController("ttl");
});
afterAll(async () => {
  await rig?.stopController();
});

async function create(name: string, options: { ttl?: string; parent?: string } = {}): Promise<Execution> {
  const body = executionBody(rig.cluster.namespace, name, "report", null);
  if (options.ttl !== undefined) body.metadata.annotations = { [TTL_ANNOTATION]: options.ttl };
  if (options.parent !== undefined) body.spec.parent = { name: options.parent, step: 0 };
  return rig.cluster.resources.executions.create(rig.cluster.namespace, body);
}

async function finish(execution: Execution, phase: "Completed" | "Failed" | "Executing" = "Completed"): Promise<void> {
  const current = (await rig.cluster.resources.executions.get(rig.cluster.namespace, execution.metadata.name!))!;
  const lease = { holder: "test", expiresAt: "2100-01-01T00:00:00Z" };
  const status =
    phase === "Executing" ? { phase, lease } : { phase, completedAt: new Date(rig.clock.now()).toISOString() };
  await rig.cluster.resources.executions.replaceStatus({ ...current, status });
}

const exists = async (name: string) =>
  (await rig.cluster.resources.executions.get(rig.cluster.namespace, name)) !== undefined;
const quiet = () => new Promise((resolve) => setTimeout(resolve, 300));

it(
  "deletes a finished root after its TTL, then its finished children; a running child goes once it " + "finishes",
  async () => {
    const root = await create("root", { ttl: "60" });
    const done = await create("root-child-done", { parent: "root" });
    const running = await create("root-child-running", { parent: "root", ttl: "3600" });
    const keep = await create("kept-forever");
    await finish(done);
    await finish(running, "Executing");
    await finish(keep);
    await finish(root, "Failed");
    const start = rig.clock.now();

    await rig.advanceTo(start + 59_000);
    await quiet();
    expect(await exists("root"), "not yet: 59 s of 60").toBe(true);
    expect(await exists("root-child-done"), "a child never goes on its own while its root is there").toBe(true);

    await rig.advanceTo(start + 60_000);
    await waitFor(
      "the root and its finished child to go",
      async () => [await exists("root"), await exists("root-child-done")],
      (left) => !left[0] && !left[1],
    );
    expect(await exists("root-child-running"), "still running").toBe(true);

    await finish(running);
    await waitFor(
      "the orphaned child to go once finished",
      () => exists("root-child-running"),
      (there) => !there,
    );
    await rig.advanceTo(rig.clock.now() + 24 * 3600_000);
    expect(await exists("kept-forever"), "no TTL: kept").toBe(true);
  },
);

it("a TTL of 0 deletes at once; an unfinished execution with a TTL stays", async () => {
  const now = await create("now", { ttl: "0" });
  const pending = await create("pending", { ttl: "0" });
  await finish(now);
  await waitFor(
    "the execution to go",
    () => exists("now"),
    (there) => !there,
  );
  await quiet();
  expect(await exists(pending.metadata.name!)).toBe(true);
});
