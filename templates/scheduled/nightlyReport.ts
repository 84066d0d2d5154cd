// A Function started on a schedule: nightlyReport.schedule.yaml is a ScheduledExecution (like a CronJob) that starts
// an execution of it every night; `kubectl apply -f` it after the Function is deployed.
import { defineFunction } from "kontinue";

export default defineFunction({
  async run(ctx, args: { report?: string }) {
    const startedAt = ctx.now();
    const day = startedAt.toISOString().slice(0, 10);
    const rows = await ctx.store("collect", () => [{ report: args.report ?? "daily", day }]);
    const summary = await ctx.store("summarise", () => `${rows.length} row(s) for ${day}`);
    return { day, summary };
  },
});
