// A Function with one durable step: the step runs once, and its result is checkpointed in the execution.
import { defineFunction } from "kontinue";

export default defineFunction({
  async run(ctx, args: { name?: string }) {
    const greeting = await ctx.store("compose-greeting", () => `Hello, ${args.name ?? "world"}!`);
    ctx.log.info("greeted", { greeting });
    return { greeting };
  },
});
