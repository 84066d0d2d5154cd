import { defineFunction } from "kontinue";
import { greeting } from "./_greeting.ts";

export default defineFunction({
  concurrency: 4,
  scaling: { maxReplicas: 3, targetPendingPerReplica: 2 },
  retry: { maxAttempts: 5 },
  timeoutSeconds: 600,
  async run(ctx, args: { name: string }) {
    const text = await ctx.store("greet", () => greeting(args.name));
    return { text };
  },
});
