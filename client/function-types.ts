// The argument and result types of a Function, from its file's default export: `ArgsOf<typeof processOrder>`.
import type { FunctionDefinition } from "../runtime/index.ts";

// biome-ignore lint/suspicious/noExplicitAny: matches a definition whatever its result type
export type ArgsOf<F> = F extends FunctionDefinition<infer A, any> ? A : unknown;
// biome-ignore lint/suspicious/noExplicitAny: matches a definition whatever its argument type
export type ResultOf<F> = F extends FunctionDefinition<any, infer R> ? Awaited<R> : unknown;
