// The journal: one entry per durable call, keyed by sequence number, and the replay cursor.
import type { JournalEntry } from "../crds/index.ts";
import { KontinueError } from "./kontinue-error.ts";

export type StepKind = JournalEntry["kind"];

export class NonDeterminismError extends KontinueError {
  readonly execution: string;
  readonly seq: number;
  readonly recorded: { kind: string; name: string };
  readonly called: { kind: string; name: string };
  constructor(execution: string, seq: number, recorded: { kind: string; name: string }, called: { kind: string; name: string }) {
    super(
      "RUNTIME_NON_DETERMINISM",
      `execution "${execution}" is not deterministic at step ${seq}: the journal recorded ${recorded.kind} "${recorded.name}" but the code now calls ${called.kind} "${called.name}"; ` +
        "deploy code that makes the same durable calls in the same order (or roll back) and it resumes, or cancel the execution",
      { terminal: true },
    );
    this.name = "NonDeterminismError";
    this.execution = execution;
    this.seq = seq;
    this.recorded = recorded;
    this.called = called;
  }
}

export interface NextStep {
  seq: number;
  /** The recorded entry of this call, if an earlier attempt recorded one. */
  entry: JournalEntry | undefined;
}

export class Journal {
  readonly execution: string;
  private readonly bySeq = new Map<number, JournalEntry>();
  private readonly recordedCount: number;
  private cursor = 0;

  constructor(execution: string, steps: readonly JournalEntry[] = []) {
    this.execution = execution;
    for (const step of steps) this.bySeq.set(step.seq, structuredClone(step));
    this.recordedCount = steps.length === 0 ? 0 : Math.max(...steps.map((s) => s.seq)) + 1;
  }

  /** Takes the next sequence number for a call of `kind` named `name`; throws if it differs from the recorded call. */
  next(kind: StepKind, name: string): NextStep {
    const seq = this.cursor++;
    const entry = this.bySeq.get(seq);
    if (entry !== undefined && (entry.kind !== kind || entry.name !== name)) {
      throw new NonDeterminismError(this.execution, seq, { kind: entry.kind, name: entry.name }, { kind, name });
    }
    return { seq, entry };
  }

  /** True while the code re-walks calls an earlier attempt already made. */
  get replaying(): boolean {
    return this.cursor < this.recordedCount;
  }

  record(entry: JournalEntry): void {
    this.bySeq.set(entry.seq, entry);
  }

  entry(seq: number): JournalEntry | undefined {
    return this.bySeq.get(seq);
  }

  /** The entries in sequence order, as `status.state.steps` holds them. */
  steps(): JournalEntry[] {
    return [...this.bySeq.values()].sort((a, b) => a.seq - b.seq);
  }
}
