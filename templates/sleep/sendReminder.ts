// A durable timer: `ctx.sleep` parks the execution (no worker is held) and it resumes after the delay, even across
// restarts and deploys.
import { defineFunction, type Duration } from "kontinue";

export default defineFunction({
  async run(ctx, args: { to: string; delay?: Duration }) {
    const scheduledAt = ctx.now().toISOString(); // ctx.now() is recorded: replay sees the same time
    await ctx.sleep(args.delay ?? "1h");
    const sent = await ctx.store("send", () => ({ to: args.to, sentAt: new Date().toISOString() }));
    return { scheduledAt, ...sent };
  },
});
