import { describe, expect, it } from "vitest";
import { ManualClock } from "../../runtime/index.ts";
import { ResourceStream, type StreamChange, type StreamMessage } from "./resource-stream.ts";

function setup(snapshot: StreamChange[] = []) {
  const clock = new ManualClock();
  const stream = new ResourceStream({ snapshot: () => snapshot, clock, coalesceMs: 20, bufferSize: 5 });
  const received: StreamMessage[] = [];
  return { clock, stream, received, send: (message: StreamMessage) => received.push(message) };
}

const change = (name: string, phase: string): StreamChange => ({
  kind: "execution",
  key: `ns/${name}`,
  row: { phase },
});

describe("ResourceStream", () => {
  it("gives a new subscriber a snapshot, then batches", async () => {
    const { clock, stream, received, send } = setup([change("a", "Pending")]);
    stream.subscribe(undefined, send);
    expect(received).toEqual([{ type: "reset", id: "", changes: [change("a", "Pending")] }]);
    stream.publish(change("a", "Executing"), "11");
    await clock.advance(20);
    expect(received[1]).toEqual({ type: "changes", id: "11", changes: [change("a", "Executing")] });
  });

  it("coalesces changes to one object inside the window to the last one", async () => {
    const { clock, stream, received, send } = setup();
    stream.subscribe(undefined, send);
    stream.publish(change("c", "Pending"), "0");
    await clock.advance(0);
    expect(received).toHaveLength(2);
    stream.publish(change("a", "Pending"), "1");
    stream.publish(change("b", "Pending"), "2");
    stream.publish(change("a", "Executing"), "3");
    stream.publish({ kind: "execution", key: "ns/b" }, "4");
    await clock.advance(10);
    expect(received).toHaveLength(2);
    await clock.advance(10);
    expect(received.slice(2)).toEqual([
      { type: "changes", id: "4", changes: [change("a", "Executing"), { kind: "execution", key: "ns/b" }] },
    ]);
  });

  it("resumes after a known Last-Event-ID with exactly the missed changes", async () => {
    const { clock, stream, received, send } = setup();
    stream.publish(change("a", "Pending"), "1");
    await clock.advance(20);
    stream.publish(change("b", "Pending"), "2");
    await clock.advance(20);
    stream.publish(change("c", "Pending"), "3");
    await clock.advance(20);
    stream.subscribe("1", send);
    expect(received).toEqual([{ type: "changes", id: "3", changes: [change("b", "Pending"), change("c", "Pending")] }]);
    stream.subscribe("3", send);
    expect(received).toHaveLength(1);
  });

  it("answers an id it no longer holds (too old, or from before a restart) with a snapshot", async () => {
    const { clock, stream, received, send } = setup([change("z", "Completed")]);
    for (let i = 1; i <= 8; i++) {
      stream.publish(change(`e${i}`, "Pending"), String(i));
      await clock.advance(20);
    }
    stream.subscribe("2", send);
    expect(received).toEqual([{ type: "reset", id: "8", changes: [change("z", "Completed")] }]);
  });

  it("on resync sends every subscriber a snapshot and forgets the ids before it", async () => {
    const { clock, stream, received, send } = setup([change("a", "Failed")]);
    stream.publish(change("a", "Executing"), "5");
    await clock.advance(20);
    stream.subscribe("5", send);
    expect(received).toEqual([]);
    stream.resync();
    expect(received).toEqual([{ type: "reset", id: "1:", changes: [change("a", "Failed")] }]);
    const late: StreamMessage[] = [];
    stream.subscribe("5", (message) => late.push(message));
    expect(late[0]?.type).toBe("reset");
  });
});
