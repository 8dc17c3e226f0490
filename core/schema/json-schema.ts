/**
 * JSON Schemas for editors, generated from the zod schemas (the contract) so
 * the two cannot drift: schema/*.schema.json are committed, `npm run schema`
 * rewrites them, and a test fails when they are stale. They describe what a
 * person writes (zod's "input" side: "800Gi", not bytes), in draft-07, the
 * draft YAML editors support best. Checks zod runs in code (CNPJ check digits,
 * quantity bounds, fleet rules) are not in them: editors help, validate decides.
 */
import { z } from "zod";
import { municipalitySchema } from "./municipality.ts";
import { platformSchema } from "./platform.ts";
import { tierSchema } from "./tier.ts";

const SCHEMAS = {
  "municipality.schema.json": { schema: municipalitySchema, title: "SEI! Municípios: municipality file (municipalities/<name>.yaml)" },
  "tier.schema.json": { schema: tierSchema, title: "SEI! Municípios: tier file (tiers/<id>.yaml)" },
  "platform.schema.json": { schema: platformSchema, title: "SEI! Municípios: platform settings (platform.yaml)" },
} as const;

/** File name in schema/ → its text, formatted as committed. */
export function jsonSchemaFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [name, { schema, title }] of Object.entries(SCHEMAS)) {
    const json = z.toJSONSchema(schema, { io: "input", target: "draft-07", unrepresentable: "any" });
    files[name] = `${JSON.stringify({ ...json, title }, null, 2)}\n`;
  }
  return files;
}
