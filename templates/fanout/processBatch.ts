// A fan-out: one child execution per item, started together and awaited with Promise.all. Each child is its own
// durable execution (retried, resumable); the parent is parked while they run.
import { defineFunction } from "kontinue";
import type processBatchItem from "./processBatchItem.ts";

export default defineFunction({
  async run(ctx, args: { items: number[] }) {
    const results = await Promise.all(
      args.items.map((item, index) =>
        ctx.execute<typeof processBatchItem>("processBatchItem", { item }, { name: `item-${index}` }),
      ),
    );
    return { count: results.length, total: results.reduce((sum, result) => sum + result.value, 0) };
  },
});
