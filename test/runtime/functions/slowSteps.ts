// One slow step (8 s, or until the execution is aborted), for the worker-process scenarios.
import { defineFunction } from "kontinue";

export default defineFunction({
  async run(ctx) {
    await ctx.store(
      "slow",
      (step) =>
        new Promise((resolve) => {
          const timer = setTimeout(resolve, 8_000);
          step.signal.addEventListener("abort", () => clearTimeout(timer));
        }),
    );
    return "slow done";
  },
});
