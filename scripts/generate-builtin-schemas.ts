// Writes devcluster/builtin-schemas.json from @kubernetes/client-node's models: `npm run devcluster:schemas`.
import { writeFile } from "node:fs/promises";
import { deriveBuiltinSchemaFile } from "../devcluster/derive-builtin-schemas.ts";

await writeFile(new URL("../devcluster/builtin-schemas.json", import.meta.url), deriveBuiltinSchemaFile());
console.log("wrote devcluster/builtin-schemas.json");
