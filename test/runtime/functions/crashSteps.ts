// Six steps, each a side effect counted outside the worker: a line appended to $CRASH_LOG at the
// step's start ("<execution> <seq> <pid> <nonce>"), then a short random pause for kills to land in.
import { appendFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { defineFunction } from "kontinue";

export default defineFunction({
  async run(ctx, args: { steps: number }) {
    const values: { pid: number; nonce: string }[] = [];
    for (let seq = 0; seq < args.steps; seq++) {
      values.push(
        await ctx.store(`step-${seq}`, async () => {
          const nonce = randomUUID();
          appendFileSync(process.env.CRASH_LOG!, `${ctx.executionName} ${seq} ${process.pid} ${nonce}\n`);
          await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 150));
          return { pid: process.pid, nonce };
        }),
      );
    }
    return values.length;
  },
});
