// OpenAPI schemas of built-in kinds, read from builtin-schemas.json (`npm run devcluster:schemas`
// derives it from @kubernetes/client-node's models, so the server never loads those at run time).
import { readFileSync } from "node:fs";
import type { JSONSchemaProps } from "./resource-info.ts";
import { decodeSchemaFile } from "./schema-file.ts";

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

const schemas = deepFreeze(decodeSchemaFile(readFileSync(new URL("./builtin-schemas.json", import.meta.url), "utf8")));

/** The complete (inlined, frozen) schema of a client-node model such as `V1Deployment` or `V1ObjectMeta`. */
export function builtinSchema(model: string): JSONSchemaProps {
  const schema = Object.hasOwn(schemas, model) ? schemas[model] : undefined;
  if (!schema)
    throw new Error(
      `devcluster/registry/builtin-schemas.json has no model "${model}"; add it to builtinSchemaModels and run "npm ` +
        `run devcluster:schemas"`,
    );
  return schema;
}
