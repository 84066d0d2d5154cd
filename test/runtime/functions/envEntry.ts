// An image-style entrypoint: the same shape the builder's bundle has — a definition and runWorkerFromEnv.
import { defineFunction, runWorkerFromEnv } from "kontinue";

const definition = defineFunction({
  run: async (ctx, args: { name: string }) => ctx.store("greet", () => `hello ${args.name}`),
});

await runWorkerFromEnv({ definition, functionName: "envEntry" });
