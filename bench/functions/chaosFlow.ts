// The chaos benchmark's Function: 5 checkpointed steps (two Promise.all pairs and one alone), a parked sleep and a
// child. Every step body appends "<execution> <step> <pid>" to $CHAOS_LOG before it returns, so the benchmark can
// count bodies that ran twice.
import { appendFileSync } from "node:fs";
import { defineFunction } from "kontinue";

const mark = (execution: string, step: string, value: number): number => {
  appendFileSync(process.env.CHAOS_LOG!, `${execution} ${step} ${process.pid}\n`);
  return value;
};

export default defineFunction({
  async run(ctx, args: { i: number; child?: boolean }) {
    if (args.child) return ctx.store("child-step", () => mark(ctx.executionName, "child-step", args.i * 7));
    const [a, b] = await Promise.all([
      ctx.store("a", () => mark(ctx.executionName, "a", args.i)),
      ctx.store("b", () => mark(ctx.executionName, "b", 2 * args.i)),
    ]);
    const c = await ctx.store("c", () => mark(ctx.executionName, "c", a + b));
    await ctx.sleep("3s");
    const child = await ctx.execute<{ i: number; child: boolean }>("chaosFlow", { i: args.i, child: true });
    const [d, e] = await Promise.all([
      ctx.store("d", () => mark(ctx.executionName, "d", c + 1)),
      ctx.store("e", () => mark(ctx.executionName, "e", c + 2)),
    ]);
    return { i: args.i, total: a + b + c + d + e + (child as number) };
  },
});
