/**
 * The `!placeholder` tag `sei-infra new` writes is unknown to editors: without
 * settings, yaml-language-server marks every tagged value "Unresolved tag".
 * The repository ships `.vscode/settings.json` with `yaml.customTags` (the
 * same setting other editors pass to yaml-language-server); with it the value
 * is a plain string, which the JSON schema in schema/ accepts as it is.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseDocument, type ScalarTag } from "yaml";
import { scaffoldMunicipality } from "../../core/scaffold.ts";
import { PLACEHOLDER_TAG } from "../../core/load/index.ts";
import { compileSchema } from "../support/ajv.ts";
import { REPO_ROOT } from "./run.ts";

const settings = JSON.parse(readFileSync(join(REPO_ROOT, ".vscode", "settings.json"), "utf8")) as {
  "yaml.customTags"?: string[];
};
const scaffolded = scaffoldMunicipality({
  official: { code: "3168804", name: "Tiradentes", population: 7744 },
  tier: "pequeno-i",
  domainSuffix: "mg.gov.br",
  today: "2026-12-07",
  schemaPath: "../schema/municipality.schema.json",
});

/** The tags yaml-language-server is told about, as the yaml library's custom tags ("!tag scalar" → a string). */
function editorTags(customTags: readonly string[]): ScalarTag[] {
  return customTags.map((entry) => {
    const [tag, kind] = entry.split(" ");
    if (kind !== "scalar") throw new Error(`${entry}: only scalar tags are written by sei-infra new`);
    return { tag: tag!, resolve: (text: string) => text };
  });
}

describe("editor settings for the !placeholder tag", () => {
  it("without them an editor's YAML parser reports the tag as unresolved (why the settings exist)", () => {
    const document = parseDocument(scaffolded);
    expect(document.warnings.map((w) => w.message).join("\n")).toContain(`Unresolved tag: ${PLACEHOLDER_TAG}`);
  });

  it(".vscode/settings.json declares it as a scalar tag, and the scaffolded file then parses cleanly", () => {
    expect(settings["yaml.customTags"]).toContain(`${PLACEHOLDER_TAG} scalar`);
    const document = parseDocument(scaffolded, { customTags: editorTags(settings["yaml.customTags"] ?? []) });
    expect([...document.errors, ...document.warnings]).toEqual([]);
  });

  it("the JSON schema editors validate with accepts every placeholder value as written", () => {
    const document = parseDocument(scaffolded, { customTags: editorTags(settings["yaml.customTags"] ?? []) });
    const schema = JSON.parse(readFileSync(join(REPO_ROOT, "schema", "municipality.schema.json"), "utf8")) as object;
    const validate = compileSchema(schema);
    const value = document.toJS() as object;
    expect(validate(value), JSON.stringify(validate.errors)).toBe(true);
    expect(scaffolded.match(new RegExp(`: ${PLACEHOLDER_TAG} `, "g"))).toHaveLength(8);
  });
});
