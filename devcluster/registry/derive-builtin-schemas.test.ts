import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { builtinSchema } from "./builtin-schema.ts";
import { builtinSchemaModels, deriveBuiltinSchema, deriveBuiltinSchemaFile } from "./derive-builtin-schemas.ts";

describe("deriveBuiltinSchemaFile", () => {
  it(
    'is what the committed builtin-schemas.json holds (after a client-node upgrade, run "npm run ' +
      'devcluster:schemas")',
    () => {
      expect(readFileSync(new URL("./builtin-schemas.json", import.meta.url), "utf8")).toBe(deriveBuiltinSchemaFile());
    },
  );

  it("gives the server exactly the schemas derived from client-node's models", () => {
    for (const model of builtinSchemaModels) expect(builtinSchema(model), model).toEqual(deriveBuiltinSchema(model));
  });
});

describe("deriveBuiltinSchema", () => {
  it("names a model client-node does not have", () => {
    expect(() => deriveBuiltinSchema("V1NoSuchThing")).toThrow('@kubernetes/client-node has no model "V1NoSuchThing"');
  });
});
