// One item of the fan-out in processBatch: a child execution of its own.
import { defineFunction } from "kontinue";

export default defineFunction({
  retry: { maxAttempts: 3 },
  async run(ctx, args: { item: number }) {
    const value = await ctx.store("process", () => args.item * args.item);
    return { item: args.item, value };
  },
});
