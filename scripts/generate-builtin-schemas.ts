// Writes devcluster/registry/builtin-schemas.json from @kubernetes/client-node's models: `npm run devcluster:schemas`.
import { writeFile } from "node:fs/promises";
import { deriveBuiltinSchemaFile } from "../devcluster/registry/derive-builtin-schemas.ts";

await writeFile(new URL("../devcluster/registry/builtin-schemas.json", import.meta.url), deriveBuiltinSchemaFile());
console.log("wrote devcluster/registry/builtin-schemas.json");
