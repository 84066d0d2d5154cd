import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { JournalEntry } from "../crds/index.ts";
import { Journal, NonDeterminismError } from "./journal.ts";

const recorded = JSON.parse(
  readFileSync(new URL("./testdata/process-order.journal.json", import.meta.url), "utf8"),
) as { status: { state: { steps: JournalEntry[] } } };

describe("Journal", () => {
  it("hands out sequence numbers with the recorded entry of each call", () => {
    const journal = new Journal("process-order-abc123", recorded.status.state.steps);
    expect(journal.replaying).toBe(true);
    const first = journal.next({ kind: "store", name: "fetch-order" });
    expect(first.seq).toBe(0);
    expect(first.entry).toMatchObject({ kind: "store", name: "fetch-order", status: "completed" });
    expect(journal.next({ kind: "sleep", name: "sleep" }).entry?.status).toBe("completed");
  });

  it("throws a non-determinism error naming the step, the recorded call and the new call", () => {
    const journal = new Journal("process-order-abc123", recorded.status.state.steps);
    journal.next({ kind: "store", name: "fetch-order" });
    let error: unknown;
    try {
      journal.next({ kind: "store", name: "charge" });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(NonDeterminismError);
    expect((error as NonDeterminismError).seq).toBe(1);
    expect((error as Error).message).toContain(
      'execution "process-order-abc123" is not deterministic at step 1: the journal recorded sleep "sleep" but the ' +
        'code now calls store "charge"',
    );
  });

  it("keeps entries recorded out of order sorted by sequence number, and stops replaying past the last", () => {
    const journal = new Journal("x");
    expect(journal.replaying).toBe(false);
    const entry = (seq: number): JournalEntry => ({
      seq,
      kind: "store",
      name: `s${seq}`,
      status: "completed",
      startedAt: "2026-01-01T00:00:00Z",
      attempts: 1,
    });
    journal.record(entry(2));
    journal.record(entry(0));
    expect(journal.steps().map((s) => s.seq)).toEqual([0, 2]);
    const resumed = new Journal("x", journal.steps());
    expect(resumed.next({ kind: "store", name: "s0" }).entry).toBeDefined();
    expect(resumed.next({ kind: "store", name: "s1" }).entry).toBeUndefined();
    expect(resumed.replaying).toBe(true);
    resumed.next({ kind: "store", name: "s2" });
    expect(resumed.replaying).toBe(false);
  });
});
