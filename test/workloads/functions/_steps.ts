// The body the workloads suite's Functions share: `steps` checkpointed steps of `stepMillis` each, then an
// optional parked sleep. Each step body reports "<execution> <step> <pod>" to $STEP_LOG_URL before it returns,
// so the suite counts bodies that ran twice; the result names the code that ran (CODE_VERSION, which the
// redeploy test rewrites before it builds again).
import type { Context } from "kontinue";

const CODE_VERSION = "v1";

export interface StepsArgs {
  steps: number;
  stepMillis: number;
  sleep?: string;
}

export interface StepsResult {
  version: string;
  total: number;
}

async function step(execution: string, index: number, millis: number): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, millis));
  const response = await fetch(process.env.STEP_LOG_URL!, {
    method: "POST",
    body: JSON.stringify({ execution, step: index, pod: process.env.POD_NAME }),
  });
  if (!response.ok) throw new Error(`the step log answered ${response.status}`);
  return index + 1;
}

export async function runSteps(ctx: Context, args: StepsArgs): Promise<StepsResult> {
  let total = 0;
  for (let index = 0; index < args.steps; index++)
    total += await ctx.store(`step-${index}`, () => step(ctx.executionName, index, args.stepMillis));
  if (args.sleep) await ctx.sleep(args.sleep);
  return { version: CODE_VERSION, total };
}
