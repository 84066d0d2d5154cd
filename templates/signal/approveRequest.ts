// Waiting for a person: the execution parks until a signal arrives, sent with
// `kontinue signal <execution> approval '{"approved":true,"by":"ada"}'`. A signal sent before the wait is not lost.
import { defineFunction } from "kontinue";

interface Approval {
  approved: boolean;
  by?: string;
}

export default defineFunction({
  async run(ctx, args: { request: string }) {
    // A side effect belongs in a step: it runs once, and replay returns what it returned.
    const ticket = await ctx.store("open-ticket", () => ({ id: `ticket-${ctx.executionName}`, request: args.request }));
    const approval = await ctx.waitForSignal<Approval>("approval", { timeout: "7d" });
    if (!approval.approved) return { ticket: ticket.id, outcome: "rejected", by: approval.by };
    const doneAt = await ctx.store("carry-out", () => new Date().toISOString());
    return { ticket: ticket.id, outcome: "approved", by: approval.by, doneAt };
  },
});
