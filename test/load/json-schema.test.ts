/**
 * The committed JSON Schemas (schema/*.schema.json, charts/sei/values.schema.json)
 * are what `npm run schema` generates from the zod schemas, and they accept the
 * repository's files, so an editor never flags a file validate accepts.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadFleet } from "../../core/load-fleet.ts";
import { jsonSchemaFiles } from "../../core/schema/json-schema.ts";
import { compileSchema } from "../support/ajv.ts";
import { REPO_ROOT, repo, TIRADENTES } from "./support.ts";

const generated = jsonSchemaFiles();
const committed = (name: string) => readFileSync(join(REPO_ROOT, "schema", name), "utf8");

describe("JSON Schemas", () => {
  it.each(Object.keys(generated))("%s is up to date (run npm run schema)", (path) => {
    expect(readFileSync(join(REPO_ROOT, path), "utf8")).toBe(generated[path]);
  });

  it("accept every file of the repository", () => {
    const compile = (name: string) => compileSchema(JSON.parse(committed(name)) as object, { strict: false });
    const validators = {
      municipality: compile("municipality.schema.json"),
      tier: compile("tier.schema.json"),
      platform: compile("platform.schema.json"),
    };
    for (const file of loadFleet({ source: repo }).checkedFiles) {
      const kind = file === "platform.yaml" ? "platform" : file.startsWith("tiers/") ? "tier" : "municipality";
      const validate = validators[kind];
      expect(
        validate(parse(readFileSync(join(REPO_ROOT, file), "utf8"))),
        `${file}: ${JSON.stringify(validate.errors)}`,
      ).toBe(true);
    }
  });

  it("flag an unknown key and a malformed PNCP id while typing", () => {
    const validate = compileSchema(JSON.parse(committed("municipality.schema.json")) as object, { strict: false });
    const data = parse(TIRADENTES.replace("tier:", "tir:").replace("-2-000009/2026", "-3-9/2026")) as unknown;
    expect(validate(data)).toBe(false);
    expect(validate.errors?.map((e) => `${e.instancePath} ${e.keyword}`).sort()).toEqual([
      "/spec additionalProperties",
      "/spec required",
      "/spec/contract/pncpId pattern",
    ]);
  });
});
