/**
 * `npm run schema`: writes schema/*.schema.json from the zod schemas. A
 * maintenance script, not a sei-infra command: run it after changing core/schema/.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { jsonSchemaFiles } from "../core/schema/json-schema.ts";

const dir = fileURLToPath(new URL("../schema/", import.meta.url));
for (const [name, text] of Object.entries(jsonSchemaFiles())) {
  writeFileSync(`${dir}${name}`, text);
  process.stdout.write(`wrote schema/${name}\n`);
}
