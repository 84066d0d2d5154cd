// The example of DESIGN.md, with short waits so that it finishes in seconds.
import { defineFunction } from "kontinue";
import type chargeCard from "./chargeCard.ts";

const shippedAt = new Map<string, number>();

async function fetchOrder(orderId: string) {
  return { id: orderId, total: 42 };
}

async function isShipped(orderId: string) {
  if (!shippedAt.has(orderId)) shippedAt.set(orderId, Date.now() + 3_000);
  return Date.now() >= shippedAt.get(orderId)!;
}

export default defineFunction({
  scaling: { maxReplicas: 10, targetPendingPerReplica: 5 },
  async run(ctx, args: { orderId: string }) {
    const order = await ctx.store("fetch-order", () => fetchOrder(args.orderId));
    await ctx.sleep("3s");
    const paid = await ctx.execute<typeof chargeCard>("chargeCard", { amount: order.total });
    await ctx.poll(() => isShipped(order.id), { every: "1s", timeout: "1m" });
    return { ok: true, paid };
  },
});
