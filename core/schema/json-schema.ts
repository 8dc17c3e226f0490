/**
 * JSON Schemas generated from the zod schemas (the contract) so the two cannot
 * drift: schema/*.schema.json for editors and charts/sei/values.schema.json for
 * Helm are committed, `npm run schema` rewrites them, and a test fails when
 * they are stale. They describe what a
 * person writes (zod's "input" side: "800Gi", not bytes), in draft-07, the
 * draft YAML editors support best. Checks zod runs in code (CNPJ check digits,
 * quantity bounds, fleet rules) are not in them: editors help, validate decides.
 */
import { z } from "zod";
import { helmValuesSchema } from "./helm-values.ts";
import { municipalitySchema } from "./municipality.ts";
import { platformSchema } from "./platform.ts";
import { tierSchema } from "./tier.ts";

/** Path in the repository → the schema written there. */
const SCHEMAS = {
  "schema/municipality.schema.json": {
    schema: municipalitySchema,
    title: "SEI! Municípios: municipality file (municipalities/<name>.yaml)",
  },
  "schema/tier.schema.json": { schema: tierSchema, title: "SEI! Municípios: tier file (tiers/<id>.yaml)" },
  "schema/platform.schema.json": {
    schema: platformSchema,
    title: "SEI! Municípios: platform settings (platform.yaml)",
  },
  // The values have no transforms: what the plan produces is what Helm reads.
  "charts/sei/values.schema.json": { schema: helmValuesSchema, title: "Values of the SEI chart" },
} as const;

/** Path relative to the repository root → the file's text, formatted as committed. */
export function jsonSchemaFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [path, { schema, title }] of Object.entries(SCHEMAS)) {
    const json = z.toJSONSchema(schema, { io: "input", target: "draft-07", unrepresentable: "any" });
    files[path] = `${JSON.stringify({ ...json, title }, null, 2)}\n`;
  }
  return files;
}
