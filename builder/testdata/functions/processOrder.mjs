import { defineFunction } from "kontinue";

export default defineFunction({
  async run(ctx, args) {
    return { ok: true, orderId: args.orderId };
  },
});
