// The journal: one entry per durable call, keyed by sequence number, the replay cursor, and the turns in
// which outcomes reached the function (what replay needs to reproduce concurrent branches exactly).
import type { JournalEntry } from "../crds/index.ts";
import { KontinueError } from "./kontinue-error.ts";

export type StepKind = JournalEntry["kind"];

/** The journal format this runtime writes. Version 1 (no `state.version`) numbered calls without turns. */
export const JOURNAL_VERSION = 2;

/** What makes two calls "the same call": kind, name and, for execute, the function. */
export interface CallIdentity {
  kind: string;
  name: string;
  function?: string;
}

const describeCall = (call: CallIdentity): string => {
  const fn = call.function !== undefined && call.function !== call.name ? ` (function "${call.function}")` : "";
  return `${call.kind} "${call.name}"${fn}`;
};

export class NonDeterminismError extends KontinueError {
  readonly execution: string;
  readonly seq: number;
  readonly recorded: CallIdentity;
  readonly called: CallIdentity;
  constructor(execution: string, seq: number, recorded: CallIdentity, called: CallIdentity) {
    super(
      "RUNTIME_NON_DETERMINISM",
      `execution "${execution}" is not deterministic at step ${seq}: the journal recorded ${describeCall(recorded)} ` +
        `but the code now calls ${describeCall(called)}; ` +
        "deploy code that makes the same durable calls in the same order (or roll back) and it resumes, or cancel " +
        "the execution",
      { terminal: true },
    );
    this.name = "NonDeterminismError";
    this.execution = execution;
    this.seq = seq;
    this.recorded = recorded;
    this.called = called;
  }
}

/** A journal this runtime cannot replay faithfully (a version-1 journal of concurrent calls, or a newer format). */
export class JournalVersionError extends KontinueError {
  readonly execution: string;
  readonly version: number;
  constructor(execution: string, version: number, why: string) {
    super(
      "RUNTIME_JOURNAL_VERSION",
      `execution "${execution}" has a version ${version} journal that this runtime (version ${JOURNAL_VERSION}) ` +
        `cannot replay: ${why}; ` +
        "finish it with the image that started it, or cancel it and start it again",
      { terminal: true },
    );
    this.name = "JournalVersionError";
    this.execution = execution;
    this.version = version;
  }
}

export interface NextStep {
  seq: number;
  /** The recorded entry of this call, if an earlier attempt recorded one. */
  entry: JournalEntry | undefined;
}

const settled = (entry: JournalEntry): boolean => entry.status === "completed" || entry.status === "failed";

/** Kinds whose outcome is returned synchronously; they take a sequence number but no turn. */
const synchronousKinds = new Set<string>(["now", "random"]);

export class Journal {
  readonly execution: string;
  private readonly bySeq = new Map<number, JournalEntry>();
  private readonly recordedCount: number;
  private readonly reached = new Set<number>();
  private cursor = 0;

  /** Throws `JournalVersionError` for a journal it cannot replay. */
  constructor(execution: string, steps: readonly JournalEntry[] = [], version: number = JOURNAL_VERSION) {
    this.execution = execution;
    for (const step of steps) this.bySeq.set(step.seq, structuredClone(step));
    this.recordedCount = steps.length === 0 ? 0 : Math.max(...steps.map((s) => s.seq)) + 1;
    if (version > JOURNAL_VERSION)
      throw new JournalVersionError(execution, version, "it was written by a newer Kontinue");
    if (version === 1) this.upgradeVersion1();
  }

  /** Takes the next sequence number for `call`; throws if it differs from the recorded call. */
  next(call: CallIdentity): NextStep {
    const seq = this.cursor++;
    this.reached.add(seq);
    const entry = this.bySeq.get(seq);
    if (entry !== undefined && !sameCall(entry, call)) {
      const recorded = {
        kind: entry.kind,
        name: entry.name,
        ...(entry.function === undefined ? {} : { function: entry.function }),
      };
      throw new NonDeterminismError(this.execution, seq, recorded, call);
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

  /** The recorded turns, oldest first, each the sequence numbers it delivered in order. */
  turns(): number[][] {
    const byTurn = new Map<number, number[]>();
    for (const entry of this.steps()) {
      if (entry.turn === undefined || !settled(entry)) continue;
      byTurn.set(entry.turn, [...(byTurn.get(entry.turn) ?? []), entry.seq]);
    }
    return [...byTurn.entries()].sort(([a], [b]) => a - b).map(([, seqs]) => seqs);
  }

  /** The number the next new turn gets. */
  nextTurn(): number {
    let next = 0;
    for (const entry of this.bySeq.values()) if (entry.turn !== undefined) next = Math.max(next, entry.turn + 1);
    return next;
  }

  /** Recorded entries the code has not reached in this attempt (steps a new version removed, once it completes). */
  unreached(): JournalEntry[] {
    return this.steps().filter((entry) => !this.reached.has(entry.seq));
  }

  /** The entries in sequence order, as `status.state.steps` holds them. */
  steps(): JournalEntry[] {
    return [...this.bySeq.values()].sort((a, b) => a.seq - b.seq);
  }

  /**
   * Version 1 recorded no turns. Its journals replay exactly when the calls ran one after another (each
   * started once the one before had settled): then the settle order is the sequence order. Journals of
   * calls that overlapped cannot be replayed faithfully, so they are refused rather than misread.
   */
  private upgradeVersion1(): void {
    const steps = this.steps().filter((entry) => !synchronousKinds.has(entry.kind));
    for (let i = 1; i < steps.length; i++) {
      const before = steps[i - 1]!;
      const overlapped =
        !settled(before) || Date.parse(steps[i]!.startedAt) < Date.parse(before.finishedAt ?? before.startedAt);
      if (overlapped) {
        throw new JournalVersionError(
          this.execution,
          1,
          `steps ${before.seq} and ${steps[i]!.seq} ran concurrently, and version 1 did not record the order they ` +
            `settled in`,
        );
      }
    }
    steps.filter(settled).forEach((entry, turn) => this.bySeq.set(entry.seq, { ...entry, turn }));
  }
}

function sameCall(entry: JournalEntry, call: CallIdentity): boolean {
  if (entry.kind !== call.kind || entry.name !== call.name) return false;
  return entry.function === undefined || call.function === undefined || entry.function === call.function;
}
