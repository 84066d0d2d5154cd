import { defineFunction } from "kontinue";

export default defineFunction({
  async run(ctx, args: { name?: string }) {
    const greeting = await ctx.store("greet", () => `hello, ${args?.name ?? "world"}`);
    return { greeting, execution: ctx.executionName };
  },
});
