// The runtime benchmark's Function for the end-to-end figure: ten checkpointed steps in a row.
import { defineFunction } from "kontinue";

export default defineFunction({
  async run(ctx, args: { i: number }) {
    let total = 0;
    for (let step = 0; step < 10; step++) total += await ctx.store(`step-${step}`, () => args.i + step);
    return total;
  },
});
