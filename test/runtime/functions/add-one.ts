// A child function for the runtime scenarios: adds one.
import { defineFunction } from "kontinue";

export default defineFunction({
  async run(ctx, args: { n: number }) {
    return ctx.store("add", () => args.n + 1);
  },
});
