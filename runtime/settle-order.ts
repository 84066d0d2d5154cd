// The order in which durable calls settle, recorded with each outcome and reproduced on replay.
//
// An outcome is recorded with a turn number: the turn that is open when it is recorded. A turn closes at the
// first tick (a macrotask after the function's microtasks ran out) in which one of its outcomes is written,
// and is delivered — all its outcomes together, in sequence order — once every one of them is written. The
// turn is written with the outcome itself, so whatever a crash leaves in the journal carries its turn. Replay
// delivers the recorded turns in the same order and grouping, one per tick, so the function's continuations
// interleave exactly as on the first run, make the same calls and get the same sequence numbers.

export type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export interface SettleOrderOptions {
  /** The recorded turns, oldest first: the sequence numbers of the outcomes each delivered. */
  recordedTurns: readonly (readonly number[])[];
  /** The number the next new turn gets (one past the last recorded). */
  nextTurn: number;
  /** A tick in which nothing could be delivered (the park check). */
  onQuiet(): void;
  /** Schedules `fn` after the current macrotask (default setImmediate). */
  schedule?: (fn: () => void) => void;
}

interface Call {
  deliver(outcome: Outcome): void;
  outcome?: Outcome;
}

export class SettleOrder {
  private readonly schedule: (fn: () => void) => void;
  private readonly onQuiet: () => void;
  private readonly calls = new Map<number, Call>();
  /** Recorded turns still to replay, oldest first. */
  private readonly replay: number[][];
  private readonly replaySeqs = new Set<number>();
  /** Turns of this attempt, by number: the outcomes recorded while each was open. */
  private readonly live = new Map<number, number[]>();
  private readonly liveSeqs = new Set<number>();
  private open: number;
  private nextToDeliver: number;
  /** Outcomes that carry no turn (not journaled, or left over from a replay that could not go on), in order. */
  private free: number[] = [];
  private tickScheduled = false;
  private stopped = false;

  constructor(options: SettleOrderOptions) {
    this.schedule = options.schedule ?? ((fn) => void setImmediate(fn));
    this.onQuiet = options.onQuiet;
    this.replay = options.recordedTurns
      .filter((turn) => turn.length > 0)
      .map((turn) => [...turn].sort((a, b) => a - b));
    for (const turn of this.replay) for (const seq of turn) this.replaySeqs.add(seq);
    this.open = options.nextTurn;
    this.nextToDeliver = options.nextTurn;
  }

  /** True while recorded turns remain to be delivered. */
  get replaying(): boolean {
    return this.replay.length > 0;
  }

  /** A call was made: `deliver` settles its promise, at its turn. */
  register(seq: number, deliver: (outcome: Outcome) => void): void {
    this.calls.set(seq, { deliver });
  }

  /** The turn an outcome being recorded now belongs to (record it with the outcome). */
  turnFor(seq: number): number {
    const members = this.live.get(this.open) ?? [];
    members.push(seq);
    this.live.set(this.open, members);
    this.liveSeqs.add(seq);
    return this.open;
  }

  /** The outcome of call `seq` is known (recorded earlier, or just written); it is delivered with its turn. */
  ready(seq: number, outcome: Outcome): void {
    const call = this.calls.get(seq);
    if (call === undefined || call.outcome !== undefined) return;
    call.outcome = outcome;
    if (!this.replaySeqs.has(seq) && !this.liveSeqs.has(seq)) this.free.push(seq);
    this.poke();
  }

  /** Something changed (a call started waiting, a body ended): look again after this macrotask. */
  poke(): void {
    if (this.tickScheduled || this.stopped) return;
    this.tickScheduled = true;
    this.schedule(() => {
      this.tickScheduled = false;
      if (!this.stopped) this.tick();
    });
  }

  /** No more deliveries (the attempt ended). */
  stop(): void {
    this.stopped = true;
  }

  /** Outcomes known but not delivered yet. */
  get undelivered(): number {
    let count = 0;
    for (const call of this.calls.values()) if (call.outcome !== undefined) count++;
    return count;
  }

  private tick(): void {
    if (this.replaying) {
      const turn = this.replay[0]!;
      if (turn.every((seq) => this.isReady(seq))) {
        this.replay.shift();
        for (const seq of turn) this.replaySeqs.delete(seq);
        this.deliver(turn);
        return this.poke();
      }
      // The function's microtasks have run out without it making every call of the next recorded turn: it
      // waits for something else, so it is not the code that recorded them. What it reached is delivered in
      // recorded order; recorded calls it makes later are delivered as they come.
      for (const seq of this.replay.flat()) if (this.isReady(seq)) this.free.push(seq);
      this.replay.length = 0;
      this.replaySeqs.clear();
    }
    if (this.free.length > 0) {
      const free = this.free;
      this.free = [];
      this.deliver(free);
      return this.poke();
    }
    if (this.live.get(this.open)?.some((seq) => this.isReady(seq))) this.open++;
    const next = this.live.get(this.nextToDeliver);
    if (this.nextToDeliver < this.open && next !== undefined && next.every((seq) => this.isReady(seq))) {
      this.live.delete(this.nextToDeliver++);
      for (const seq of next) this.liveSeqs.delete(seq);
      this.deliver([...next].sort((a, b) => a - b));
      return this.poke();
    }
    this.onQuiet();
  }

  private isReady(seq: number): boolean {
    return this.calls.get(seq)?.outcome !== undefined;
  }

  private deliver(seqs: readonly number[]): void {
    for (const seq of seqs) {
      const call = this.calls.get(seq);
      if (call?.outcome === undefined) continue;
      this.calls.delete(seq);
      call.deliver(call.outcome);
    }
  }
}
