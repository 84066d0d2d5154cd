// Bad input fails the execution with a clear, recorded error — never the worker: an unknown function
// in ctx.execute, non-JSON arguments and results, a journal over its budget, arguments the function
// does not expect.
import { afterAll, beforeAll, expect, it } from "vitest";
import { defineFunction, type Worker } from "../../runtime/index.ts";
import { createExecution, startWorker, testCluster, waitFinished, type TestCluster } from "./runtime-harness.ts";

let cluster: TestCluster;
const workers: Worker[] = [];

beforeAll(async () => {
  cluster = await testCluster("bad-input");
});
afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop(0)));
});

it("fails ctx.execute of an unknown function, naming it", async () => {
  workers.push(
    await startWorker(
      cluster,
      "callsNothing",
      defineFunction({ run: async (ctx) => ctx.execute("noSuchFunction", {}, { deployTimeout: 0 }) }),
    ),
  );
  await createExecution(cluster, "unknown-1", "callsNothing", null);
  const done = await waitFinished(cluster, "unknown-1");
  expect(done.status?.phase).toBe("Failed");
  expect(done.status?.error?.type).toBe("RUNTIME_STEP_FAILED");
  expect(done.status?.error?.message).toContain('function "noSuchFunction" is unknown');
  expect(done.status?.state?.steps?.[0]).toMatchObject({
    kind: "execute",
    status: "failed",
    error: { type: "RUNTIME_UNKNOWN_FUNCTION" },
  });
  expect((await cluster.resources.executions.list(cluster.namespace)).items.map((e) => e.metadata.name)).toEqual([
    "unknown-1",
  ]);
});

it("fails a non-JSON child argument, step value or result at the call that produced it", async () => {
  workers.push(
    await startWorker(
      cluster,
      "nonJson",
      defineFunction({
        run: async (ctx, args: { what: string }) => {
          if (args.what === "argument") return ctx.execute("nonJson", { callback: () => 1 } as never);
          if (args.what === "value") return ctx.store("make", () => ({ big: 10n }));
          return { cyclic: globalThis } as unknown;
        },
      }),
    ),
  );
  for (const what of ["argument", "value", "result"])
    await createExecution(cluster, `nonjson-${what}`, "nonJson", { what });
  const argument = await waitFinished(cluster, "nonjson-argument");
  expect(argument.status?.error?.message).toContain(
    'the arguments of step 0 (execute "nonJson") is not JSON: "callback" is a function',
  );
  const value = await waitFinished(cluster, "nonjson-value");
  expect(value.status?.error?.message).toContain('the value of step 0 (store "make") is not JSON: "big" is a BigInt');
  const result = await waitFinished(cluster, "nonjson-result");
  expect(result.status?.phase).toBe("Failed");
  expect(result.status?.error?.type).toBe("RUNTIME_NOT_JSON");
  expect(result.status?.error?.message).toContain('the result of execution "nonjson-result" is not JSON');
});

it("fails an execution whose journal outgrows its budget, keeping the journal that fit", async () => {
  workers.push(
    await startWorker(
      cluster,
      "hoarder",
      defineFunction({
        run: async (ctx) => {
          for (let i = 0; i < 10; i++) await ctx.store(`blob-${i}`, () => "x".repeat(3_000));
          return "unreachable";
        },
      }),
      { journalBudgetBytes: 10_000 },
    ),
  );
  await createExecution(cluster, "hoard-1", "hoarder", null);
  const done = await waitFinished(cluster, "hoard-1");
  expect(done.status?.phase).toBe("Failed");
  expect(done.status?.error?.type).toBe("RUNTIME_JOURNAL_BUDGET");
  expect(done.status?.error?.message).toMatch(
    /execution "hoard-1" outgrew its journal budget: \d+ bytes of step values and result, budget 10000/,
  );
  expect(done.status?.state?.steps?.map((s) => s.name)).toEqual(["blob-0", "blob-1", "blob-2"]);
});

it("records the function's own error for arguments it does not expect, and keeps working", async () => {
  workers.push(
    await startWorker(
      cluster,
      "sumItems",
      defineFunction({
        run: async (ctx, args: { items: number[] }) => ctx.store("sum", () => args.items.reduce((a, b) => a + b, 0)),
      }),
    ),
  );
  await createExecution(cluster, "wrong-args", "sumItems", "not an object");
  await createExecution(cluster, "right-args", "sumItems", { items: [1, 2, 3] });
  const wrong = await waitFinished(cluster, "wrong-args");
  expect(wrong.status?.phase).toBe("Failed");
  expect(wrong.status?.error?.message).toContain("failed after 3 attempts");
  expect(wrong.status?.state?.steps?.[0]?.error?.type).toBe("TypeError");
  expect((await waitFinished(cluster, "right-args")).status?.result).toBe(6);
});
