// Polling: `ctx.poll` re-checks a condition every interval until it holds (or the timeout passes); between checks
// longer than a couple of seconds the execution is parked, not holding a worker.
import { defineFunction, type Duration } from "kontinue";

async function urlAnswers(url: string): Promise<number | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    await response.body?.cancel();
    return response.ok ? response.status : undefined;
  } catch {
    return undefined;
  }
}

export default defineFunction({
  async run(ctx, args: { url: string; every?: Duration; timeout?: Duration }) {
    const status = await ctx.poll(() => urlAnswers(args.url), {
      every: args.every ?? "30s",
      timeout: args.timeout ?? "1h",
      name: "url-answers",
    });
    return { url: args.url, status, readyAt: ctx.now().toISOString() };
  },
});
