import { defineFunction } from "kontinue";

export default defineFunction({
  retry: { maxAttempts: 5 },
  async run(ctx, args: { amount: number }) {
    if (!(args.amount > 0)) throw new Error(`cannot charge ${args.amount}: the amount must be positive`);
    const charge = await ctx.store("charge", () => ({ chargeId: `ch_${ctx.executionName}`, amount: args.amount }));
    return charge;
  },
});
