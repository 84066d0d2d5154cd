// The journal's size budget: past it the execution fails cleanly instead of hitting etcd's object limit.
import { KontinueError } from "./kontinue-error.ts";

/** Default budget for `status.state` plus `status.result`: well under etcd's 1.5 MiB object limit. */
export const DEFAULT_JOURNAL_BUDGET_BYTES = 768 * 1024;

export class JournalBudgetError extends KontinueError {
  readonly execution: string;
  readonly bytes: number;
  readonly budget: number;
  constructor(execution: string, bytes: number, budget: number) {
    super(
      "RUNTIME_JOURNAL_BUDGET",
      `execution "${execution}" outgrew its journal budget: ${bytes} bytes of step values and result, ` +
        `budget ${budget}; keep large data outside the execution (store a key or URL instead) or raise the budget`,
      { terminal: true },
    );
    this.name = "JournalBudgetError";
    this.execution = execution;
    this.bytes = bytes;
    this.budget = budget;
  }
}
