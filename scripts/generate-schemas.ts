/**
 * `npm run schema`: writes schema/*.schema.json and charts/sei/values.schema.json
 * from the zod schemas. A maintenance script, not a sei-infra command: run it
 * after changing core/schema/.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { jsonSchemaFiles } from "../core/schema/json-schema.ts";

const root = fileURLToPath(new URL("../", import.meta.url));
for (const [path, text] of Object.entries(jsonSchemaFiles())) {
  writeFileSync(`${root}${path}`, text);
  process.stdout.write(`wrote ${path}\n`);
}
